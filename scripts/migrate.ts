// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the
// embedded database when none is set.
import { connectChecked, resolveDatabase } from '../db/connect';
import { migrate } from '../db/migrate';

async function main() {
  const { url, embedded } = await resolveDatabase();
  try {
    const sql = await connectChecked(url, { max: 1 });
    const result = await migrate(sql, { log: (l) => console.log(l) });
    console.log(`${result.applied.length} applied, ${result.skipped} already up to date`);
    await sql.end();
  } finally {
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error((error as Error).message);
  process.exit(1);
});
