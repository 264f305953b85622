import 'server-only';
import type { Sql } from 'postgres';
import { sql as appSql } from '@/lib/db';

export interface RetentionRun {
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  trigger: string;
  eventsDeleted: number;
  rollupCellsDeleted: number;
  snapshotsDeleted: number;
  signaturesDisabled: number;
  historyDeleted: number;
  error: string | null;
}

export async function recentRetentionRuns(limit = 30, sql: Sql = appSql): Promise<RetentionRun[]> {
  return sql<RetentionRun[]>`
    select id, started_at as "startedAt", finished_at as "finishedAt", trigger, events_deleted::int as "eventsDeleted",
      rollup_cells_deleted::int as "rollupCellsDeleted", snapshots_deleted::int as "snapshotsDeleted",
      signatures_disabled::int as "signaturesDisabled", history_deleted::int as "historyDeleted", error
    from console.retention_runs order by started_at desc limit ${limit}`;
}

/** The tables retention looks after, in the order the page lists them. */
export const RETAINED_TABLES = [
  'scheduler.ttfs_events',
  'scheduler.ttfs_rollup_cells',
  'scheduler.ttfs_rollup_buckets',
  'scheduler.first_signal_snapshots',
  'scheduler.first_signal_phase_history',
  'scheduler.failure_signatures',
  'console.retention_runs',
] as const;

export interface TableSize {
  table: string;
  bytes: number;
  rows: number;
  /** True when `rows` is the planner's estimate (large tables), false when counted. */
  estimated: boolean;
}

/**
 * Size on disk (with indexes and TOAST; on Citus summed over the shards) and rows of each table;
 * tables over 200,000 rows are estimated (on Citus the coordinator keeps no estimate: counted).
 */
export async function tableSizes(sql: Sql = appSql): Promise<TableSize[]> {
  const rows = await sql<{ table: string; bytes: string; estimate: number }[]>`
    select t as table, scheduler.ttfs_table_size(t::regclass)::text as bytes,
      greatest(c.reltuples, 0)::float8 as estimate
    from unnest(${RETAINED_TABLES as unknown as string[]}::text[]) with ordinality as u(t, n)
    join pg_class c on c.oid = t::regclass
    order by n`;
  return Promise.all(
    rows.map(async (r) => {
      if (r.estimate > 200_000)
        return { table: r.table, bytes: Number(r.bytes), rows: Math.round(r.estimate), estimated: true };
      const [{ n }] = await sql.unsafe<[{ n: number }]>(`select count(*)::float8 as n from ${r.table}`);
      return { table: r.table, bytes: Number(r.bytes), rows: n, estimated: false };
    }),
  );
}

export interface HourDrift {
  hour: Date;
  raw: number;
  rolledUp: number;
}

/**
 * Hours of the last `hours` whose rollups (folded cells plus pending deltas)
 * count a different number of events than the raw table holds. Rollups only
 * ever add, so raw rows deleted or updated outside retention leave them off.
 */
export async function rollupDrift(
  hours = 48,
  sql: Sql = appSql,
): Promise<{ checked: number; drifted: HourDrift[] }> {
  const rows = await sql<(HourDrift & { differs: boolean })[]>`
    with bounds as (select date_trunc('hour', now()) - make_interval(hours => ${hours - 1}) as since),
    raw as (
      select date_trunc('hour', ts) as hour, count(*)::float8 as n from scheduler.ttfs_events, bounds
      where ts >= bounds.since group by 1),
    rolled as (
      select hour, sum(n_events)::float8 as n from (
        select hour, n_events from scheduler.ttfs_rollup_cells, bounds where hour >= bounds.since
        union all
        select hour, n_events from scheduler.ttfs_rollup_cells_delta, bounds where hour >= bounds.since) c
      group by 1)
    select coalesce(raw.hour, rolled.hour) as hour, coalesce(raw.n, 0) as raw, coalesce(rolled.n, 0) as "rolledUp",
      coalesce(raw.n, 0) <> coalesce(rolled.n, 0) as differs
    from raw full join rolled using (hour)
    order by 1 desc`;
  return { checked: hours, drifted: rows.filter((r) => r.differs).map(({ differs: _d, ...r }) => r) };
}

/** Recomputes one hour's rollups from the raw rows (scheduler.ttfs_rollup_rebuild). */
export async function rebuildHour(hour: Date, sql: Sql = appSql): Promise<void> {
  const from = new Date(Math.floor(hour.getTime() / 3600_000) * 3600_000);
  await sql`select scheduler.ttfs_rollup_rebuild(${from}, ${new Date(from.getTime() + 3600_000)})`;
}
