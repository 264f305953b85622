// `npm run retention`: one retention run now (for cron), against the running
// app's database, DATABASE_URL, or the embedded one.
import { runWithDatabase } from '../db/connect';
import { policyFromEnv, runRetention } from '../lib/ops/retention';

runWithDatabase(
  async (sql) => {
    const result = await runRetention(sql, policyFromEnv(), 'manual');
    console.log(
      JSON.stringify({
        level: 'info',
        msg: result.ran ? 'retention run finished' : 'another instance is running retention',
        ...result,
      }),
    );
  },
  { preferRunning: true },
);
