// `npm run retention`: one retention run now (for cron), against the running
// app's database, DATABASE_URL, or the embedded one.
import { connectChecked, resolveDatabase, runningDatabaseUrl } from '../db/connect';
import { policyFromEnv, runRetention } from '../lib/ops/retention';

async function main() {
  const running = runningDatabaseUrl();
  const { url, embedded } = running ? { url: running, embedded: null } : await resolveDatabase();
  try {
    const sql = await connectChecked(url, { max: 2 });
    const result = await runRetention(sql, policyFromEnv(), 'manual');
    console.log(JSON.stringify({ level: 'info', msg: result.ran ? 'retention run finished' : 'another instance is running retention', ...result }));
    await sql.end();
  } finally {
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error((error as Error).message);
  process.exit(1);
});
