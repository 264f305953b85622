// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the
// embedded database when none is set.
import { runWithDatabase } from '../db/connect';
import { migrate } from '../db/migrate';

runWithDatabase(
  async (sql) => {
    const result = await migrate(sql, { log: (l) => console.log(l) });
    console.log(`${result.applied.length} applied, ${result.skipped} already up to date`);
  },
  { max: 1 },
);
