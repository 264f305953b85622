import 'server-only';
import { cache } from 'react';
import { sql } from '@/lib/db';
import type { Window } from '@/lib/schemas/dashboard';
import { planShortWindows, sumTerms } from '@/lib/slo/short-windows';

// Every chart reads the rollups (scheduler.ttfs_window_stats and friends):
// percentiles are merged from histograms, never averaged; counts are exact.
// Full UTC days come from the day grain, the hours at a window's edges and
// pending deltas from the hour grain (migration 0008).

export interface SeriesPoint {
  bucket: Date;
  series: string;
  events: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  over2000: number;
  over5000: number;
  errors: number;
  timeouts: number;
  cacheHits: number;
  rendered: number;
  renderedOver2000: number;
  renderedOver5000: number;
}

export interface Scope {
  tenantIds: string[];
  surface?: string;
  cache?: 'hit' | 'cold';
}

const cacheArg = (state?: 'hit' | 'cold') => (state === 'hit' ? true : state === 'cold' ? false : null);

/**
 * The scope's surface and cache-state filters as SQL conditions (`and …`), for
 * queries on the raw events and the rollup cells, which name the columns alike.
 * The tenant condition stays in each query, next to the index it uses.
 */
function scopeFilter(scope: Pick<Scope, 'surface' | 'cache'>, opts: { cache?: boolean } = {}) {
  return sql`${scope.surface ? sql`and surface = ${scope.surface}` : sql``} ${
    opts.cache !== false && scope.cache ? sql`and cache_hit = ${scope.cache === 'hit'}` : sql``
  }`;
}

/**
 * The rollup cells with their pending deltas (migration 0008), as one relation
 * `c`, for the SLI counts that read the hour grain directly.
 */
function rollupCells() {
  return sql`(select * from scheduler.ttfs_rollup_cells union all select * from scheduler.ttfs_rollup_cells_delta) c`;
}

/**
 * The SLI counts of rollup cells (docs/slo.md): every first-signal outcome is
 * counted; timeouts and errors are always bad.
 */
function sliSums() {
  return sql`sum(n_rendered + n_timeout + n_error)::int as total,
    sum(r_over_2000 + n_timeout + n_error)::int as bad2000, sum(r_over_5000 + n_timeout + n_error)::int as bad5000`;
}

/** The counters and percentiles of a rollup row (ttfs_window_stats, ttfs_window_cube), as the database sends them. */
type StatsRow = {
  events: string;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  over_2000: string;
  over_5000: string;
  errors: string;
  timeouts: string;
  cache_hits: string;
  rendered: string;
  rendered_over_2000: string;
  rendered_over_5000: string;
};

function toSeriesPoint(r: StatsRow, bucket: Date, series: string): SeriesPoint {
  return {
    bucket,
    series,
    events: Number(r.events),
    p50: r.p50_ms,
    p95: r.p95_ms,
    p99: r.p99_ms,
    over2000: Number(r.over_2000),
    over5000: Number(r.over_5000),
    errors: Number(r.errors),
    timeouts: Number(r.timeouts),
    cacheHits: Number(r.cache_hits),
    rendered: Number(r.rendered),
    renderedOver2000: Number(r.rendered_over_2000),
    renderedOver5000: Number(r.rendered_over_5000),
  };
}

async function windowStats(
  w: Window,
  scope: Scope,
  opts: { bucket: string; splitSurface: boolean; cacheHit?: boolean | null; label?: string },
): Promise<SeriesPoint[]> {
  const rows = await sql<(StatsRow & { bucket: Date; surface: string })[]>`
    select * from scheduler.ttfs_window_stats(${w.from}, ${w.to}, ${opts.bucket}::interval, ${scope.tenantIds}::uuid[],
      ${scope.surface ? [scope.surface] : null}::text[], ${opts.cacheHit === undefined ? cacheArg(scope.cache) : opts.cacheHit}, ${opts.splitSurface})`;
  return rows.map((r) => toSeriesPoint(r, r.bucket, opts.label ?? r.surface));
}

/**
 * Minute buckets of a short window (the last 60 minutes), from the raw events:
 * the rollups hold hours, and an hour of events is a small index range scan on
 * (tenant_id, ts). Percentiles are exact (percentile_cont), counts as the cells
 * count them.
 */
async function minuteStats(w: Window, scope: Scope, split: 'surface' | 'cache'): Promise<SeriesPoint[]> {
  const series =
    split === 'surface' ? sql`surface` : sql`case when cache_hit then 'cache hit' else 'cold start' end`;
  const rows = await sql<
    {
      bucket: Date;
      series: string;
      events: number;
      p: (number | null)[];
      over2000: number;
      over5000: number;
      errors: number;
      timeouts: number;
      cacheHits: number;
      rendered: number;
      renderedOver2000: number;
      renderedOver5000: number;
    }[]
  >`
    select date_bin('1 minute', ts, ${w.from}) as bucket, ${series} as series, count(*)::int as events,
      percentile_cont(array[0.5, 0.95, 0.99]) within group (order by ttfs_ms) as p,
      count(*) filter (where ttfs_ms > 2000)::int as "over2000", count(*) filter (where ttfs_ms > 5000)::int as "over5000",
      count(*) filter (where event_type = 'signal.error')::int as errors,
      count(*) filter (where event_type = 'signal.timeout')::int as timeouts,
      count(*) filter (where cache_hit)::int as "cacheHits",
      count(*) filter (where event_type = 'signal.rendered')::int as rendered,
      count(*) filter (where event_type = 'signal.rendered' and ttfs_ms > 2000)::int as "renderedOver2000",
      count(*) filter (where event_type = 'signal.rendered' and ttfs_ms > 5000)::int as "renderedOver5000"
    from scheduler.ttfs_events
    where tenant_id = any(${scope.tenantIds}::uuid[]) and ts >= ${w.from} and ts < ${w.to}
      and event_type <> 'signal.start' ${scopeFilter(scope)}
    group by 1, 2
    order by 1, 2`;
  return rows.map(({ p, ...r }) => ({ ...r, p50: p[0] ?? null, p95: p[1] ?? null, p99: p[2] ?? null }));
}

/** p50/p95/p99 over time, split by surface or by cache hit vs cold start, at the window's grain. */
export async function latencySeries(
  w: Window,
  scope: Scope,
  split: 'surface' | 'cache',
): Promise<SeriesPoint[]> {
  if (w.bucket === 'minute') return minuteStats(w, scope, split);
  const bucket = w.bucket === 'day' ? '1 day' : '1 hour';
  if (split === 'surface') return windowStats(w, scope, { bucket, splitSurface: true });
  const wanted = scope.cache ? [scope.cache] : (['hit', 'cold'] as const);
  const parts = await Promise.all(
    wanted.map((c) =>
      windowStats(w, scope, {
        bucket,
        splitSurface: false,
        cacheHit: c === 'hit',
        label: c === 'hit' ? 'cache hit' : 'cold start',
      }),
    ),
  );
  return parts.flat().sort((a, b) => a.bucket.getTime() - b.bucket.getTime());
}

type CubeRow = StatsRow & {
  surface: string;
  cache: string;
  /** Merged histogram (rows over all surfaces only): bucket values and counts. */
  hist_values: number[] | null;
  hist_counts: string[] | null;
};

/**
 * Whole-window totals per surface x cache state, per surface, per cache state and
 * overall ('*'), with the merged histograms, from one pass over the rollups
 * (scheduler.ttfs_window_cube). Memoised per request: the tiles, distribution,
 * attribution and budget cards share it.
 */
const windowCube = cache(
  async (fromMs: number, toMs: number, tenantIds: string, surface: string | null): Promise<CubeRow[]> =>
    sql<CubeRow[]>`
    select * from scheduler.ttfs_window_cube(${new Date(fromMs)}, ${new Date(toMs)}, ${tenantIds.split(',').filter(Boolean)}::uuid[],
      ${surface ? [surface] : null}::text[])`,
);

async function cubeRows(
  w: Pick<Window, 'from' | 'to'>,
  scope: Scope,
  pick: (r: CubeRow) => boolean,
  label?: (r: CubeRow) => string,
): Promise<SeriesPoint[]> {
  const rows = await windowCube(
    w.from.getTime(),
    w.to.getTime(),
    scope.tenantIds.join(','),
    scope.surface ?? null,
  );
  return rows.filter(pick).map((r) => toSeriesPoint(r, w.from, label ? label(r) : r.surface));
}

const cacheKey = (state?: 'hit' | 'cold') => state ?? '*';

/** One row per surface over the whole window (the hours from the one holding w.from up to w.to). */
export async function surfaceTotals(w: Pick<Window, 'from' | 'to'>, scope: Scope): Promise<SeriesPoint[]> {
  return cubeRows(w, scope, (r) => r.surface !== '*' && r.cache === cacheKey(scope.cache));
}

export interface HistogramBin {
  fromMs: number;
  toMs: number;
  n: number;
}

/** The merged latency histogram, folded into ~24 log-spaced display bins. */
export async function latencyHistogram(
  w: Pick<Window, 'from' | 'to'>,
  scope: Scope,
): Promise<HistogramBin[]> {
  const rows = await windowCube(
    w.from.getTime(),
    w.to.getTime(),
    scope.tenantIds.join(','),
    scope.surface ?? null,
  );
  const merged = rows.find((r) => r.surface === '*' && r.cache === cacheKey(scope.cache));
  const edges = [
    0,
    100,
    200,
    300,
    500,
    750,
    1000,
    1500,
    2000,
    2500,
    3000,
    4000,
    5000,
    7500,
    10000,
    15000,
    20000,
    30000,
    60000,
    Infinity,
  ];
  const bins = edges.slice(0, -1).map((from, i) => ({ fromMs: from, toMs: edges[i + 1]!, n: 0 }));
  const values = merged?.hist_values ?? [];
  values.forEach((value, i) => {
    const bin = bins.find((b) => value >= b.fromMs && value < b.toMs) ?? bins.at(-1)!;
    bin.n += Number(merged!.hist_counts![i]);
  });
  return bins;
}

export interface HourSli {
  hour: Date;
  tenantId: string;
  surface: string;
  total: number;
  bad2000: number;
  bad5000: number;
}

/**
 * SLI counts per hour, tenant and surface (the breaches table), from the rollup
 * cells with pending deltas: the same population and rule as the error budget
 * (docs/slo.md), unlike scheduler.ttfs_slo_breaches, which keeps the schema's
 * signal.rendered-only counts for outside callers.
 */
export async function hourlySli(from: Date, to: Date, scope: Scope): Promise<HourSli[]> {
  return sql<HourSli[]>`
    select hour, tenant_id as "tenantId", surface, ${sliSums()}
    from ${rollupCells()}
    where hour >= date_trunc('hour', ${from}::timestamptz) and hour < ${to} and tenant_id = any(${scope.tenantIds}::uuid[])
      ${scopeFilter(scope)}
    group by 1, 2, 3
    having sum(n_rendered + n_timeout + n_error) > 0`;
}

export interface PageTiming {
  page: string;
  views: number;
  p50: number | null;
  p95: number | null;
}

/**
 * The console's own time to main content per page (signal.rendered events with
 * surface 'ui' and metadata.page, docs/ui.md), exact percentiles from the raw
 * events through the partial index idx_ttfs_events_console_pages (db/migrations/0003_console_pages_index.sql).
 */
export async function consolePageTimings(from: Date, to: Date, tenantIds: string[]): Promise<PageTiming[]> {
  return sql<PageTiming[]>`
    select metadata->>'page' as page, count(*)::int as views,
      percentile_cont(0.5) within group (order by ttfs_ms) as p50,
      percentile_cont(0.95) within group (order by ttfs_ms) as p95
    from scheduler.ttfs_events
    where surface = 'ui' and event_type = 'signal.rendered' and metadata ? 'page'
      and tenant_id = any(${tenantIds}::uuid[]) and ts >= ${from} and ts < ${to}
    group by 1
    order by 1`;
}

export interface SliCounts {
  tenantId: string;
  surface: string;
  total: number;
  bad2000: number;
  bad5000: number;
}

/**
 * SLI counts per tenant and surface since `from`: every first-signal outcome
 * (signal.rendered, signal.timeout, signal.error); good when rendered within the
 * threshold; timeouts and errors are always bad. Windows under 6 hours are exact
 * to the millisecond (whole hours from the rollup cells, the partial hours at
 * their edges from raw events: see sliCountsEndingAt); longer ones count whole
 * hours of the rollups from the hour holding `from`.
 */
export async function sliCounts(from: Date, to: Date, scope: Scope): Promise<SliCounts[]> {
  const hours = (to.getTime() - from.getTime()) / 3600_000;
  if (hours < 6) return (await sliCountsEndingAt(to, [hours], scope)).get(hours)!;
  return sql<SliCounts[]>`
    select tenant_id as "tenantId", surface, ${sliSums()}
    from ${rollupCells()}
    where hour >= date_trunc('hour', ${from}::timestamptz) and hour < ${to} and tenant_id = any(${scope.tenantIds}::uuid[])
      ${scopeFilter(scope)}
    group by 1, 2`;
}

/**
 * SLI counts of several short windows [to - h, to) (h < 6 hours), exactly as a
 * count of raw events in each window would give them, in one statement: whole
 * hours come from the rollup cells (with pending deltas) and only the minutes at
 * the windows' edges from raw events, the cheaper side of each partial hour
 * (lib/slo/short-windows.ts). One statement reads cells and raw rows in one
 * snapshot, so "cell minus the rest of its hour" is exact.
 */
export async function sliCountsEndingAt(
  to: Date,
  windowHours: number[],
  scope: Scope,
): Promise<Map<number, SliCounts[]>> {
  const plan = planShortWindows(
    to.getTime(),
    windowHours.map((h) => Math.round(h * 3600_000)),
    Math.max(to.getTime(), Date.now()),
  );
  // Sent as ISO text and cast in SQL.
  const hours = plan.hours.map((h) => new Date(h).toISOString());
  const boundaries = plan.boundaries.map((b) => new Date(b).toISOString());
  const filters = scopeFilter(scope);
  // One branch per raw range: each an index range scan on (tenant_id, ts), whatever the statistics say.
  const rawRows = plan.rawRanges.length
    ? plan.rawRanges
        .map(
          ([a, b]) => sql`
            select tenant_id, surface, ts, event_type, ttfs_ms from scheduler.ttfs_events
            where ts >= ${new Date(a)} and ts < ${new Date(b)} and tenant_id = any(${scope.tenantIds}::uuid[])
              and event_type in ('signal.rendered', 'signal.timeout', 'signal.error') ${filters}`,
        )
        .reduce((x, y) => sql`${x} union all ${y}`)
    : sql`select tenant_id, surface, ts, event_type, ttfs_ms from scheduler.ttfs_events where false`;
  const rows = await sql<
    {
      tenantId: string;
      surface: string;
      hour: Date | null;
      i: number | null;
      total: number;
      bad2000: number;
      bad5000: number;
    }[]
  >`
    select tenant_id as "tenantId", surface, hour, null::int as i, ${sliSums()}
    from ${rollupCells()}
    where hour = any(${hours}::timestamptz[]) and tenant_id = any(${scope.tenantIds}::uuid[]) ${filters}
    group by 1, 2, 3
    union all
    select tenant_id, surface, null, width_bucket(ts, ${boundaries}::timestamptz[]), count(*)::int,
      count(*) filter (where event_type <> 'signal.rendered' or ttfs_ms > 2000)::int,
      count(*) filter (where event_type <> 'signal.rendered' or ttfs_ms > 5000)::int
    from (${rawRows}) r
    group by 1, 2, 4`;
  const segments = new Map<
    string,
    {
      tenantId: string;
      surface: string;
      cells: Map<number, (typeof rows)[number]>;
      raw: Map<number, (typeof rows)[number]>;
    }
  >();
  for (const r of rows) {
    const key = `${r.tenantId}|${r.surface}`;
    const seg = segments.get(key) ?? {
      tenantId: r.tenantId,
      surface: r.surface,
      cells: new Map(),
      raw: new Map(),
    };
    if (r.hour) seg.cells.set(r.hour.getTime(), r);
    else seg.raw.set(r.i!, r);
    segments.set(key, seg);
  }
  const keys = ['total', 'bad2000', 'bad5000'] as const;
  return new Map(
    windowHours.map((h, w) => [
      h,
      [...segments.values()]
        .map((seg) => ({
          tenantId: seg.tenantId,
          surface: seg.surface,
          ...sumTerms(
            plan.windows[w]!,
            plan.boundaries,
            (hour) => seg.cells.get(hour),
            (i) => seg.raw.get(i),
            keys,
          ),
        }))
        .filter((c) => c.total > 0),
    ]),
  );
}

/** Bad events per day over the budget window, for the burn-down chart. */
export async function dailyBad(from: Date, to: Date, scope: Scope) {
  return sql<{ day: Date; total: number; bad2000: number; bad5000: number }[]>`
    select date_trunc('day', hour) as day, ${sliSums()}
    from ${rollupCells()}
    where hour >= ${from} and hour < ${to} and tenant_id = any(${scope.tenantIds}::uuid[])
      ${scopeFilter(scope)}
    group by 1 order by 1`;
}

export interface SlowEvent {
  ts: Date;
  jobId: string;
  tenantId: string;
  surface: string;
  eventType: string;
  ttfsMs: number;
  signalSource: string | null;
  errorCode: string | null;
  release: string | null;
}

/** The slowest measurements of one chart bucket (drill-down), from the raw events. */
export async function slowestEvents(
  hour: Date,
  scope: Scope & { bucketMs?: number },
  limit = 20,
): Promise<SlowEvent[]> {
  const end = new Date(hour.getTime() + (scope.bucketMs ?? 3600_000));
  return sql<SlowEvent[]>`
    select ts, job_id as "jobId", tenant_id as "tenantId", surface, event_type as "eventType", ttfs_ms as "ttfsMs",
      signal_source as "signalSource", error_code as "errorCode", release
    from scheduler.ttfs_events
    where ts >= ${hour} and ts < ${end} and tenant_id = any(${scope.tenantIds}::uuid[]) and event_type <> 'signal.start'
      ${scopeFilter(scope)}
    order by ttfs_ms desc limit ${limit}`;
}

export interface ReleaseChange {
  at: Date;
  release: string;
}

/** First appearance of each release in the window (chart annotations). */
export async function releaseChanges(w: Window, scope: Scope): Promise<ReleaseChange[]> {
  return sql<ReleaseChange[]>`
    select min(first_seen) as at, release from scheduler.ttfs_release_first_seen
    where tenant_id = any(${scope.tenantIds}::uuid[])
    group by release having min(first_seen) > ${w.from} and min(first_seen) < ${w.to}
    order by 1 limit 20`;
}

export interface SignatureToggle {
  at: Date;
  action: string;
  cause: string | null;
}

/** Failure-signature enable/disable events in the window (chart annotations). */
export async function signatureToggles(w: Window, scope: Scope): Promise<SignatureToggle[]> {
  return sql<SignatureToggle[]>`
    select a.at, a.action, coalesce(a.after->'outcome'->>'likely_cause', a.before->'outcome'->>'likely_cause') as cause
    from console.signature_audit a
    where a.tenant_id = any(${scope.tenantIds}::uuid[]) and a.at >= ${w.from} and a.at < ${w.to}
      and a.action in ('enable', 'disable', 'retention_disable')
    order by a.at limit 30`;
}

export interface SegmentSpend {
  tenantId: string;
  surface: string;
  cacheHit: boolean;
  total: number;
  bad5000: number;
  bad2000: number;
}

/** Bad signals per segment (tenant x surface x cache state) over the budget window. */
export async function budgetSpendBySegment(from: Date, to: Date, scope: Scope): Promise<SegmentSpend[]> {
  return sql<SegmentSpend[]>`
    select tenant_id as "tenantId", surface, cache_hit as "cacheHit", ${sliSums()}
    from ${rollupCells()}
    where hour >= date_trunc('hour', ${from}::timestamptz) and hour < ${to} and tenant_id = any(${scope.tenantIds}::uuid[])
      ${scopeFilter(scope, { cache: false })}
    group by 1, 2, 3
    order by bad5000 desc`;
}

/** p95 and volume per cache state over a whole window (for mix-shift analysis). */
export async function cacheStateTotals(w: Pick<Window, 'from' | 'to'>, scope: Scope) {
  const label = (r: CubeRow) => (r.cache === 'hit' ? 'cache hit' : r.cache === 'cold' ? 'cold start' : 'all');
  const rows = await cubeRows(w, { ...scope, cache: undefined }, (r) => r.surface === '*', label);
  const find = (series: string) => rows.find((r) => r.series === series) ?? null;
  return { hit: find('cache hit'), cold: find('cold start'), all: find('all') };
}
