// `npm run demo:seed`: loads the demo data set into the database of the running
// app, DATABASE_URL, or the embedded database (in that order).
import { connectChecked, resolveDatabase, runningDatabaseUrl } from '../db/connect';
import { seedDemo } from '../db/demo/seed';
import { migrate } from '../db/migrate';

async function main() {
  const running = runningDatabaseUrl();
  const { url, embedded } = running ? { url: running, embedded: null } : await resolveDatabase();
  try {
    const sql = await connectChecked(url, { max: 2 });
    await migrate(sql);
    await seedDemo(sql, (l) => console.log(l));
    await sql.end();
  } finally {
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error((error as Error).message);
  process.exit(1);
});
