import 'server-only';
import { APPLICATION_NAMES, sql } from '@/lib/db';
import { baselineSeries, initializeSeries, MAX_TENANT_LABELS, type KnownSeries } from '@/lib/ops/metrics';

/** Console connections to PostgreSQL (pool and lookup batches of every instance) by state. */
export async function consoleConnections(): Promise<{ state: string; n: number }[]> {
  return sql<{ state: string; n: number }[]>`
    select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity
    where application_name in (${APPLICATION_NAMES.pool}, ${APPLICATION_NAMES.lookup}) and pid <> pg_backend_pid() group by 1`;
}

/** At most this many label sets come from recent events (each adds a few series per family). */
const RECENT_SERIES_LIMIT = 2000;

/** The recent-events query may take this long at start; past it, the tenants' label sets alone are zeroed. */
const RECENT_SERIES_TIMEOUT = '5s';

/**
 * The label sets known at start, zeroed once per process: every tenant on
 * every surface (cache hit and miss), and each set the last day's measurement
 * events used (kind, phase, source, error code included). A failure to read the
 * tenants is retried at the next scrape; the recent events are best effort
 * (a slow scan of a large day is cut off, never repeated).
 */
export function initializeTtfsSeries(): Promise<void> {
  return initializeSeries(async () => {
    const tenants = await sql<{ id: string }[]>`
      select id from console.tenants order by created_at limit ${MAX_TENANT_LABELS}`;
    const recent = await sql
      .begin(async (tx) => {
        await tx.unsafe(`set local statement_timeout = '${RECENT_SERIES_TIMEOUT}'`);
        return tx<KnownSeries[]>`
          select distinct tenant_id, surface, cache_hit, signal_source, kind, phase,
            case when event_type in ('signal.timeout', 'signal.error') then error_code end as error_code
          from scheduler.ttfs_events
          where ts > now() - interval '1 day' and event_type <> 'signal.start'
          limit ${RECENT_SERIES_LIMIT}`;
      })
      .catch(() => [] as KnownSeries[]);
    return [...baselineSeries(tenants.map((t) => t.id)), ...recent];
  });
}
