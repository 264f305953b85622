import 'server-only';
import postgres from 'postgres';

// One pool per server process. Kept on globalThis so `next dev` hot reloads do
// not open a new pool on every edit.
const globalForDb = globalThis as unknown as {
  ttfsSql?: postgres.Sql;
  ttfsLookupSql?: postgres.Sql;
  ttfsMaintenanceSql?: postgres.Sql;
};

/**
 * Every statement a request runs is cut off after this long (PostgreSQL's
 * statement_timeout on the app's connections, error 57014, answered as 503):
 * no request, however hostile its input, can hold a connection and a core for
 * longer. TTFS_STATEMENT_TIMEOUT_MS, default 5000; 0 turns it off.
 */
export const STATEMENT_TIMEOUT_MS = Number(process.env.TTFS_STATEMENT_TIMEOUT_MS ?? 5000);
/**
 * The same bound for background maintenance (retention, rollup folds), which
 * works through whole tables: TTFS_MAINTENANCE_STATEMENT_TIMEOUT_MS, default
 * 600000 (10 minutes); 0 turns it off.
 */
export const MAINTENANCE_STATEMENT_TIMEOUT_MS = Number(
  process.env.TTFS_MAINTENANCE_STATEMENT_TIMEOUT_MS ?? 600_000,
);

function createClient(max: number, connection: Partial<postgres.ConnectionParameters>) {
  return postgres(process.env.DATABASE_URL ?? '', {
    max,
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: () => {},
    connection,
  });
}

/** Connections of the main pool. */
export const POOL_SIZE = Number(process.env.TTFS_DB_POOL ?? 10);
/** Connections of the snapshot batches (see `lookupSql`); lib/signals/lookup.ts keeps at most this many in flight. */
export const LOOKUP_CONNECTIONS = 2;
/** How this app's connections name themselves in pg_stat_activity. */
export const APPLICATION_NAMES = {
  pool: 'ttfs-console',
  lookup: 'ttfs-console-lookup',
  maintenance: 'ttfs-console-maintenance',
} as const;
/** Connections of the maintenance client (retention reserves one and writes through another; folds use a third). */
export const MAINTENANCE_CONNECTIONS = 3;

export const sql = (globalForDb.ttfsSql ??= createClient(POOL_SIZE, {
  application_name: APPLICATION_NAMES.pool,
  statement_timeout: STATEMENT_TIMEOUT_MS,
}));

/** Retention and rollup folds: their own few connections with the longer maintenance timeout. */
export const maintenanceSql = (globalForDb.ttfsMaintenanceSql ??= createClient(MAINTENANCE_CONNECTIONS, {
  application_name: APPLICATION_NAMES.maintenance,
  statement_timeout: MAINTENANCE_STATEMENT_TIMEOUT_MS,
}));

// The snapshot batch (`job_id = any($1)`, 1 to ~50 ids, read by the lookup
// batches and by the SSE hub's coalesced re-reads) has one good plan, a
// primary-key probe per id, whatever the list. By default PostgreSQL plans it
// afresh on every execution (a custom plan looks cheaper than the generic one
// for each list length), which costs about 0.6 ms against 0.2 ms of execution;
// under load that planning competes with everything else for the two cores.
// Its own two connections run it with a generic plan, planned once per
// connection, and never wait behind the main pool's queries.
// On Citus (TTFS_DB_ENGINE, set by the migration runner at start) the batch fans out to every
// shard and Citus plans it only with the ids at hand: no generic plan there.
export const lookupSql = (globalForDb.ttfsLookupSql ??= createClient(LOOKUP_CONNECTIONS, {
  application_name: APPLICATION_NAMES.lookup,
  ...(process.env.TTFS_DB_ENGINE === 'citus' ? {} : { plan_cache_mode: 'force_generic_plan' }),
  statement_timeout: STATEMENT_TIMEOUT_MS,
}));
