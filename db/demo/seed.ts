import type { Sql } from 'postgres';
import { seedDemoJobs, seedDemoSignatures } from './jobs';
import { seedDemoTelemetry } from './telemetry';
import { DEMO_TENANTS } from './tenants';
import { seedDemoUsers } from './users';

/** True when the database holds no scheduler data at all (a new embedded cluster). */
export async function isEmpty(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ empty: boolean }[]>`
    select not exists (select 1 from scheduler.first_signal_snapshots)
       and not exists (select 1 from scheduler.ttfs_events)
       and not exists (select 1 from console.tenants) as empty`;
  return row!.empty;
}

export async function seedDemo(sql: Sql, log: (line: string) => void = () => {}) {
  await sql`
    insert into console.tenants (id, slug, name)
    select id, slug, name from jsonb_to_recordset(${sql.json(DEMO_TENANTS.map(({ id, slug, name }) => ({ id, slug, name })))})
      as t(id uuid, slug text, name text)
    on conflict (id) do nothing`;
  const signatures = await seedDemoSignatures(sql);
  const jobs = await seedDemoJobs(sql);
  const events = await seedDemoTelemetry(sql);
  // Demo users sign in only when demo mode is on (see lib/auth/config.ts).
  const users = await seedDemoUsers(sql);
  log(
    `demo data: ${DEMO_TENANTS.length} tenants, ${jobs.runs} runs, ${jobs.jobs} jobs, ${signatures} failure signatures, ${events} telemetry events, ${users} demo users`,
  );
}
