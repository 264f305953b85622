import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { applyPreBaseline } from '../helpers/schema';
import { newTenant, testSql } from '../helpers/db';
import { installHourGrainReference, insertEvents, randomEvents } from '../helpers/rollups';

// Compares against the hour-grain SQL functions of the pre-baseline migrations, which Citus
// cannot plan over distributed tables; tests/integration/citus.test.ts covers the grains there.
const onCitus = inject('engine') === 'citus';

// The day grain (0008) must answer every window exactly as the hour grain does:
// each read is compared row for row with the 0004 functions (hour grain and
// pending deltas only), installed as ttfs_ref.*.

const sql = testSql({ max: 6 });
afterAll(() => sql.end());

const H = 3600_000;
const D = 86_400_000;
// A UTC midnight well in the past, so nothing else writes around it.
const day0 = new Date(Math.floor(Date.now() / D) * D - 12 * D);
const at = (days: number, hours = 0, minutes = 0) =>
  new Date(day0.getTime() + days * D + hours * H + minutes * 60_000);
const seconds = (from: Date, to: Date) => `${Math.round((to.getTime() - from.getTime()) / 1000)} seconds`;
const floorHour = (t: Date) => new Date(Math.floor(t.getTime() / H) * H);
const ceilHour = (t: Date) => new Date(Math.ceil(t.getTime() / H) * H);
const floorDay = (t: Date) => new Date(Math.floor(t.getTime() / D) * D);
// The UTC day the run started in: "today so far" stays that day's window even
// if the run crosses midnight.
const today = floorDay(new Date());

/**
 * Events over the last 40 hours, a share of them inside the current UTC day, so
 * the windows that end now always hold some (at 00:05 UTC, 40 hours of
 * uniformly spread events may leave today empty).
 */
function recentEvents(seed: number, tenantId: string, count: number) {
  const now = new Date();
  return [
    ...randomEvents(seed, tenantId, new Date(now.getTime() - 40 * H), now, count),
    ...randomEvents(seed + 1000, tenantId, floorDay(now), now, Math.ceil(count / 8)),
  ];
}

const tenant = newTenant();
const other = newTenant();

type Db = postgres.Sql | postgres.ReservedSql;
interface Scope {
  tenants: string[] | null;
  surfaces: string[] | null;
  cache: boolean | null;
  split: boolean;
}

/** Windows with partial days at both edges, hourly and daily buckets, odd buckets, edges inside hours. */
function windows() {
  return [
    {
      name: 'whole window, partial days at both edges',
      from: at(-2, 7),
      to: at(2, 13),
      bucket: seconds(at(-2, 7), at(2, 13)),
    },
    { name: 'hourly buckets (per-hour summaries)', from: at(-2, 7), to: at(2, 13), bucket: '1 hour' },
    {
      name: 'daily buckets from a UTC midnight, partial last day (per-day summaries)',
      from: at(-1),
      to: at(2, 13),
      bucket: '1 day',
    },
    {
      name: 'daily buckets from a whole hour (days straddle buckets)',
      from: at(-2, 7),
      to: at(2, 7),
      bucket: '1 day',
    },
    { name: 'two-day buckets from a UTC midnight', from: at(-2), to: at(2, 13), bucket: '2 days' },
    { name: '36-hour buckets', from: at(-2), to: at(2, 13), bucket: '36 hours' },
    {
      name: 'window edges inside hours',
      from: at(-2, 7, 20),
      to: at(1, 0, 30),
      bucket: seconds(at(-2, 7, 20), at(1, 0, 30)),
    },
    { name: 'short window inside one day', from: at(1, 6), to: at(1, 12), bucket: '1 hour' },
    { name: 'most of one day', from: at(0, 1), to: at(0, 23), bucket: seconds(at(0, 1), at(0, 23)) },
    // Ending with the current hour: the rest of today holds nothing yet.
    {
      name: 'the last 7 days',
      from: new Date(ceilHour(new Date()).getTime() - 7 * D),
      to: ceilHour(new Date()),
      bucket: `${7 * 86400} seconds`,
    },
    {
      name: 'the last 30 hours',
      from: new Date(ceilHour(new Date()).getTime() - 30 * H),
      to: ceilHour(new Date()),
      bucket: '1 hour',
    },
    { name: 'today so far', from: today, to: new Date(), bucket: '1 day' },
  ];
}

function scopes(): Scope[] {
  return [
    { tenants: [tenant], surfaces: null, cache: null, split: true },
    { tenants: [tenant], surfaces: null, cache: null, split: false },
    { tenants: [tenant], surfaces: ['ui'], cache: true, split: true },
    { tenants: [tenant], surfaces: ['cli'], cache: false, split: false },
    { tenants: [tenant, other], surfaces: null, cache: null, split: true },
  ];
}

async function expectWindowStatsMatch(
  db: Db,
  w: { from: Date; to: Date; bucket: string },
  s: Scope,
  label: string,
) {
  const args = [w.from, w.to, w.bucket, s.tenants, s.surfaces, s.cache, s.split] as const;
  const [ours, ref] = await Promise.all([
    db`select * from scheduler.ttfs_window_stats(${args[0]}, ${args[1]}, ${args[2]}::interval, ${args[3]}::uuid[], ${args[4]}::text[], ${args[5]}, ${args[6]})`,
    db`select * from ttfs_ref.ttfs_window_stats(${args[0]}, ${args[1]}, ${args[2]}::interval, ${args[3]}::uuid[], ${args[4]}::text[], ${args[5]}, ${args[6]})`,
  ]);
  expect(ref.length, label).toBeGreaterThan(0);
  expect([...ours], label).toEqual([...ref]);
}

async function expectHistogramMatch(db: Db, from: Date, to: Date, s: Scope, label: string) {
  const [ours, ref] = await Promise.all([
    db`select * from scheduler.ttfs_window_histogram(${from}, ${to}, ${s.tenants}::uuid[], ${s.surfaces}::text[], ${s.cache})`,
    db`select * from ttfs_ref.ttfs_window_histogram(${from}, ${to}, ${s.tenants}::uuid[], ${s.surfaces}::text[], ${s.cache})`,
  ]);
  expect([...ours], label).toEqual([...ref]);
}

/** Each cube row equals ttfs_window_stats over the same hours as one bucket, with the matching filter. */
async function expectCubeMatches(
  db: Db,
  from: Date,
  to: Date,
  tenants: string[] | null,
  surfaces: string[] | null,
  label: string,
) {
  const cube =
    await db`select * from scheduler.ttfs_window_cube(${from}, ${to}, ${tenants}::uuid[], ${surfaces}::text[])`;
  const span = seconds(floorHour(from), ceilHour(to));
  let compared = 0;
  for (const surface of [...(surfaces ?? ['ci', 'cli', 'ui']), '*']) {
    for (const cache of ['hit', 'cold', '*']) {
      const [ref] =
        await db`select * from ttfs_ref.ttfs_window_stats(${floorHour(from)}, ${to}, ${span}::interval, ${tenants}::uuid[],
        ${surface === '*' ? surfaces : [surface]}::text[], ${cache === '*' ? null : cache === 'hit'}, false)`;
      const row = cube.find((r) => r.surface === surface && r.cache === cache);
      if (!ref) {
        expect(row, `${label} ${surface}/${cache}`).toBeUndefined();
        continue;
      }
      const { surface: _s, cache: _c, hist_values: values, hist_counts: counts, ...ours } = row!;
      const { bucket: _b, surface: _r, ...theirs } = ref;
      expect(ours, `${label} ${surface}/${cache}`).toEqual(theirs);
      if (surface === '*') {
        const hist =
          await db`select * from ttfs_ref.ttfs_window_histogram(${floorHour(from)}, ${to}, ${tenants}::uuid[], ${surfaces}::text[],
          ${cache === '*' ? null : cache === 'hit'})`;
        expect({ values, counts }, `${label} histogram ${cache}`).toEqual({
          values: hist.map((h) => h.value_ms),
          counts: hist.map((h) => h.n),
        });
      } else {
        expect(values, label).toBeNull();
      }
      compared++;
    }
  }
  expect(cube.length, label).toBe(compared);
}

/** ttfs_daily_quantiles and ttfs_hourly_quantiles (the views' percentiles) against 0003's. */
async function expectDailyQuantilesMatch(db: Db) {
  const [keys] = await db<[{ keys: unknown }]>`
    select coalesce(jsonb_agg(distinct jsonb_build_object('day', date_trunc('day', hour), 'tenant_id', tenant_id, 'surface', surface)), '[]') as keys
    from (select hour, tenant_id, surface from scheduler.ttfs_rollup_cells union all select hour, tenant_id, surface from scheduler.ttfs_rollup_cells_delta) c
    where tenant_id = any(${[tenant, other]}::uuid[])`;
  const [ours, ref] = await Promise.all([
    db`select * from scheduler.ttfs_daily_quantiles(${keys.keys as never}::jsonb) order by 1, 2, 3`,
    db`select * from ttfs_ref.ttfs_daily_quantiles(${keys.keys as never}::jsonb) order by 1, 2, 3`,
  ]);
  expect(ref.length).toBeGreaterThan(10);
  expect([...ours]).toEqual([...ref]);
  // And ttfs_hourly_quantiles (the hourly view's percentiles, over every tenant) for the same hours.
  const [hourKeys] = await db<[{ keys: unknown }]>`
    select coalesce(jsonb_agg(distinct jsonb_build_object('hour', hour, 'surface', surface, 'cache_hit', cache_hit)), '[]') as keys
    from (select hour, tenant_id, surface, cache_hit from scheduler.ttfs_rollup_cells union all select hour, tenant_id, surface, cache_hit from scheduler.ttfs_rollup_cells_delta) c
    where tenant_id = any(${[tenant, other]}::uuid[])`;
  const [oursH, refH] = await Promise.all([
    db`select * from scheduler.ttfs_hourly_quantiles(${hourKeys.keys as never}::jsonb) order by 1, 2, 3`,
    db`select * from ttfs_ref.ttfs_hourly_quantiles(${hourKeys.keys as never}::jsonb) order by 1, 2, 3`,
  ]);
  expect(refH.length).toBeGreaterThan(100);
  expect([...oursH]).toEqual([...refH]);
}

async function expectAllWindowsMatch(db: Db = sql) {
  await expectDailyQuantilesMatch(db);
  for (const w of windows()) {
    for (const s of scopes()) await expectWindowStatsMatch(db, w, s, `${w.name} ${JSON.stringify(s)}`);
  }
  for (const w of windows().filter((x) => x.bucket.endsWith('seconds'))) {
    for (const s of scopes())
      await expectHistogramMatch(db, w.from, w.to, s, `histogram ${w.name} ${JSON.stringify(s)}`);
    await expectCubeMatches(db, w.from, w.to, [tenant], null, `cube ${w.name}`);
    await expectCubeMatches(db, w.from, w.to, [tenant, other], ['ui'], `cube ${w.name} ui, two tenants`);
  }
}

/** The day grain holds exactly the folded hour grain, and every summary belongs to a stored hour or day. */
async function expectGrainsConsistent(db: postgres.Sql = sql) {
  const counters =
    'n_events, n_start, n_rendered, n_timeout, n_error, m_count, m_sum, m_over_2000, m_over_5000, r_over_2000, r_over_5000';
  const sums = counters
    .split(', ')
    .map((c) => `sum(${c})::bigint as ${c}`)
    .join(', ');
  const days = await db.unsafe(`select day, tenant_id, surface, cache_hit, ${counters
    .split(', ')
    .map((c) => `${c}::bigint`)
    .join(', ')}, m_min, m_max
    from scheduler.ttfs_rollup_cells_daily order by 2, 1, 3, 4`);
  const hours =
    await db.unsafe(`select date_trunc('day', hour, 'UTC') as day, tenant_id, surface, cache_hit, ${sums}, min(m_min) as m_min, max(m_max) as m_max
    from scheduler.ttfs_rollup_cells group by 1, 2, 3, 4 order by 2, 1, 3, 4`);
  expect([...days]).toEqual([...hours]);
  const [buckets] = await db<[{ n: number }]>`
    select count(*)::int as n from (
      (select day, tenant_id, surface, cache_hit, bucket, n from scheduler.ttfs_rollup_buckets_daily
       except all
       select date_trunc('day', hour, 'UTC'), tenant_id, surface, cache_hit, bucket, sum(n)::bigint from scheduler.ttfs_rollup_buckets group by 1, 2, 3, 4, 5)
      union all
      (select date_trunc('day', hour, 'UTC'), tenant_id, surface, cache_hit, bucket, sum(n)::bigint from scheduler.ttfs_rollup_buckets group by 1, 2, 3, 4, 5
       except all
       select day, tenant_id, surface, cache_hit, bucket, n from scheduler.ttfs_rollup_buckets_daily)) x`;
  expect(buckets.n).toBe(0);
  const [orphans] = await db<[{ n: number }]>`
    select count(*)::int as n from scheduler.ttfs_rollup_quantiles q
    where not exists (select 1 from scheduler.ttfs_rollup_cells c where q.grain = 'hour' and c.tenant_id = q.tenant_id and c.hour = q.t)
      and not exists (select 1 from scheduler.ttfs_rollup_cells_daily c where q.grain = 'day' and c.tenant_id = q.tenant_id and c.day = q.t)`;
  expect(orphans.n).toBe(0);
}

beforeAll(async () => {
  await installHourGrainReference(sql);
  await insertEvents(sql, randomEvents(11, tenant, at(-2, 5), at(2, 17), 6000));
  await insertEvents(sql, randomEvents(12, other, at(-2), at(3), 1500));
  // And around now, for windows that end with the current hour.
  await insertEvents(sql, recentEvents(13, tenant, 2500));
  await insertEvents(sql, recentEvents(14, other, 500));
  await sql`select scheduler.ttfs_rollup_fold()`;
});

describe.skipIf(onCitus)('day grain and percentile summaries against the hour grain', () => {
  it('answer every window like the hour grain once folded', async () => {
    const [summaries] = await sql<[{ hours: number; days: number }]>`
      select count(*) filter (where grain = 'hour')::int as hours, count(*) filter (where grain = 'day')::int as days
      from scheduler.ttfs_rollup_quantiles where tenant_id = ${tenant}`;
    expect(summaries.hours).toBeGreaterThan(100 * 6);
    expect(summaries.days).toBeGreaterThanOrEqual(5 * 6);
    await expectAllWindowsMatch();
    await expectGrainsConsistent();
  });

  it('include pending deltas before a fold: in full days, edge hours and summarised hours', async () => {
    await insertEvents(sql, [
      ...randomEvents(21, tenant, at(0, 10), at(0, 11), 40),
      ...randomEvents(22, tenant, at(-2, 7), at(-2, 9), 25),
      ...randomEvents(23, tenant, at(2, 11), at(2, 13), 25),
      ...randomEvents(24, tenant, at(1, 23), at(2, 1), 30),
      ...randomEvents(25, other, at(0, 10), at(0, 12), 20),
    ]);
    const [pending] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from scheduler.ttfs_rollup_cells_delta where tenant_id = ${tenant}`;
    expect(pending.n).toBeGreaterThan(0);
    await expectAllWindowsMatch();
    await sql`select scheduler.ttfs_rollup_fold()`;
    await expectAllWindowsMatch();
    await expectGrainsConsistent();
  });

  it('take late events into their hour and their day', async () => {
    // Measured days ago, arriving now: extreme values, so a stale summary would show.
    await insertEvents(
      sql,
      randomEvents(31, tenant, at(-2, 9), at(-2, 10), 200).map((r) => ({ ...r, ttfs_ms: r.ttfs_ms * 7 })),
    );
    await insertEvents(
      sql,
      randomEvents(32, tenant, at(-1, 3), at(-1, 4), 200).map((r) => ({
        ...r,
        ttfs_ms: 1 + (r.ttfs_ms % 40),
      })),
    );
    await sql`select scheduler.ttfs_rollup_fold()`;
    await expectAllWindowsMatch();
    await expectGrainsConsistent();
  });

  it('stay exact when batches land while folds run', async () => {
    const batches = Array.from({ length: 8 }, (_, i) =>
      randomEvents(60 + i, tenant, at(0, 9), at(0, 12), 150),
    );
    const inserts = batches.map((rows, i) =>
      new Promise((r) => setTimeout(r, i * 10)).then(() => insertEvents(sql, rows)),
    );
    const folds = Array.from({ length: 6 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 12)).then(() => sql`select scheduler.ttfs_rollup_fold()`),
    );
    await Promise.all([...inserts, ...folds]);
    await expectAllWindowsMatch();
    await sql`select scheduler.ttfs_rollup_fold()`;
    await expectAllWindowsMatch();
    await expectGrainsConsistent();
  });

  it('read the same in a session time zone other than UTC (whole-hour offset)', async () => {
    const reserved = await sql.reserve();
    try {
      await reserved`set time zone 'America/New_York'`;
      await expectAllWindowsMatch(reserved);
    } finally {
      await reserved`reset time zone`;
      reserved.release();
    }
  });

  it('stay exact after a rebuild of a window that cuts through two days', async () => {
    // Raw rows changed behind the rollups' back, then repaired with rebuild.
    await sql`delete from scheduler.ttfs_events where tenant_id = ${tenant} and surface = 'ui' and ts >= ${at(0, 3)} and ts < ${at(1, 5)}`;
    await sql`update scheduler.ttfs_events set ttfs_ms = ttfs_ms * 3 where tenant_id = ${tenant} and surface = 'cli' and ts >= ${at(0, 20)} and ts < ${at(1, 2)}`;
    await sql`select scheduler.ttfs_rollup_rebuild(${at(0, 3)}, ${at(1, 5)})`;
    await expectAllWindowsMatch();
    await expectGrainsConsistent();
    const from = at(-2, 7);
    const to = at(2, 13);
    const raw = await sql<{ surface: string; n: string }[]>`
      select surface, count(*)::bigint as n from scheduler.ttfs_events
      where tenant_id = ${tenant} and ts >= ${from} and ts < ${to} and event_type <> 'signal.start' group by 1 order by 1`;
    const cube = await sql<{ surface: string; events: string }[]>`
      select surface, events from scheduler.ttfs_window_cube(${from}, ${to}, ${[tenant]}::uuid[], null) where cache = '*' and surface <> '*' order by 1`;
    expect(cube.map((r) => [r.surface, r.events])).toEqual(raw.map((r) => [r.surface, r.n]));
  });

  it('stay exact after pruning at a cut-off inside a day', async () => {
    const cut = at(-1, 9, 30);
    await sql`select scheduler.ttfs_prune_rollups(${cut})`;
    const [left] = await sql<[{ days: number; hours: number }]>`
      select (select count(*)::int from scheduler.ttfs_rollup_cells_daily where day < ${at(-1)}) as days,
        (select count(*)::int from scheduler.ttfs_rollup_quantiles where grain = 'hour' and t < ${at(-1, 9)}) as hours`;
    expect(left).toEqual({ days: 0, hours: 0 });
    await expectAllWindowsMatch();
    await expectGrainsConsistent();
  });
});

describe.skipIf(onCitus)('percentile summaries are a cache', () => {
  it('answer the same without them, and the fold computes them for hours and days that are over', async () => {
    await sql`delete from scheduler.ttfs_rollup_quantiles where tenant_id = any(${[tenant, other]}::uuid[])`;
    await expectAllWindowsMatch();
    // A late event for yesterday: the fold computes yesterday's hour and day again, and catches up on
    // every hour of the last day and the last days that have none; the current hour and day stay merged.
    await insertEvents(
      sql,
      randomEvents(71, tenant, new Date(Date.now() - 20 * H), new Date(Date.now() - 19 * H), 20),
    );
    await sql`select scheduler.ttfs_rollup_fold()`;
    const [counts] = await sql<[{ recent: number; current: number }]>`
      select count(*) filter (where grain = 'hour' and t >= date_trunc('hour', now()) - interval '26 hours' and t < date_trunc('hour', now()))::int as recent,
        count(*) filter (where (grain = 'hour' and t >= date_trunc('hour', now())) or (grain = 'day' and t >= date_trunc('day', now(), 'UTC')))::int as current
      from scheduler.ttfs_rollup_quantiles where tenant_id = ${tenant} and surface = '*' and cache = '*'`;
    expect(counts.recent).toBeGreaterThanOrEqual(20);
    expect(counts.current).toBe(0);
    await expectAllWindowsMatch();
    await expectGrainsConsistent();
  });
});

describe.skipIf(onCitus)('migration 0008 on a database with rollups in it', () => {
  const admin = postgres(inject('serverUrl'), { max: 1, onnotice: () => {} });
  const name = `ttfs_grain_${randomBytes(4).toString('hex')}`;
  let db: postgres.Sql;
  afterAll(async () => {
    await db?.end();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it('backfills the day grain and the summaries, folds pending deltas into both grains, and TRUNCATE empties them', async () => {
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(inject('serverUrl'));
    url.pathname = `/${name}`;
    db = postgres(url.toString(), { max: 4, onnotice: () => {} });
    await applyPreBaseline(db, (f) => f < '0008');
    await installHourGrainReference(db);
    await insertEvents(db, randomEvents(41, tenant, at(-2, 5), at(2, 17), 3000));
    await insertEvents(db, randomEvents(42, other, at(-1), at(1), 800));
    await insertEvents(db, recentEvents(44, tenant, 1500));
    await db`select scheduler.ttfs_rollup_fold()`;
    await insertEvents(db, randomEvents(43, tenant, at(0, 2), at(1, 4), 300)); // pending across the migration

    // 0008 as the pre-baseline migrations shipped it, then the adoption into the baseline layout.
    const applied = await applyPreBaseline(db);
    expect(applied).toContain('0008_ttfs_day_grain.sql');
    expect((await migrate(db)).adopted).toBe(true);
    await expectGrainsConsistent(db);
    await expectAllWindowsMatch(db);
    await db`select scheduler.ttfs_rollup_fold()`;
    await expectGrainsConsistent(db);
    await expectAllWindowsMatch(db);

    await db`truncate scheduler.ttfs_events`;
    const [counts] = await db<[{ n: number }]>`
      select (select count(*) from scheduler.ttfs_rollup_cells_daily) + (select count(*) from scheduler.ttfs_rollup_buckets_daily)
        + (select count(*) from scheduler.ttfs_rollup_quantiles) + (select count(*) from scheduler.ttfs_rollup_cells) as n`;
    expect(Number(counts.n)).toBe(0);
  });
});
