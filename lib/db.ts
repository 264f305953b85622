import 'server-only';
import postgres from 'postgres';

// One pool per server process. Kept on globalThis so `next dev` hot reloads do
// not open a new pool on every edit.
const globalForDb = globalThis as unknown as { ttfsSql?: postgres.Sql; ttfsLookupSql?: postgres.Sql };

function createClient(max: number, connection: Partial<postgres.ConnectionParameters>) {
  return postgres(process.env.DATABASE_URL ?? '', { max, idle_timeout: 30, connect_timeout: 5, onnotice: () => {}, connection });
}

export const sql = (globalForDb.ttfsSql ??= createClient(Number(process.env.TTFS_DB_POOL ?? 10), { application_name: 'ttfs-console' }));

/** Connections of the job-signal lookup batches (lib/signals/lookup.ts sends at most this many at once). */
export const LOOKUP_CONNECTIONS = 2;

// The job-signal lookup batch (`job_id = any($1)`, 1 to ~50 ids) has one good
// plan, a primary-key probe per id, whatever the list. By default PostgreSQL
// plans it afresh on every execution (a custom plan looks cheaper than the
// generic one for each list length), which costs about 0.6 ms against 0.2 ms
// of execution; under load that planning competes with everything else for
// the two cores. Its own two connections run it with a generic plan, planned
// once per connection, and never wait behind the main pool's queries.
export const lookupSql = (globalForDb.ttfsLookupSql ??= createClient(LOOKUP_CONNECTIONS, {
  application_name: 'ttfs-console-lookup',
  plan_cache_mode: 'force_generic_plan',
}));
