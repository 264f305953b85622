// `npm run demo:seed`: loads the demo data set into the database of the running
// app, DATABASE_URL, or the embedded database (in that order).
import { runWithDatabase } from '../db/connect';
import { seedDemo } from '../db/demo/seed';
import { migrate } from '../db/migrate';

runWithDatabase(
  async (sql) => {
    await migrate(sql);
    await seedDemo(sql, (l) => console.log(l));
  },
  { preferRunning: true },
);
