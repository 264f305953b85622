import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isEmpty, seedDemo } from '../../db/demo/seed';
import { DEMO_TENANTS } from '../../db/demo/tenants';
import { createDatabase, dropDatabase } from '../../db/cluster';
import { migrate } from '../../db/migrate';

// Its own database: the demo set is global (fixed tenant ids), unlike other tests.
const name = `ttfs_demo_${randomBytes(4).toString('hex')}`;
let sql: postgres.Sql;

beforeAll(async () => {
  sql = postgres(await createDatabase(inject('serverUrl'), name), { max: 2, onnotice: () => {} });
  await migrate(sql);
});

afterAll(async () => {
  await sql.end();
  await dropDatabase(inject('serverUrl'), name);
});

describe('demo data', () => {
  it('loads into an empty database only once it is recognised as empty', async () => {
    expect(await isEmpty(sql)).toBe(true);
    await seedDemo(sql);
    expect(await isEmpty(sql)).toBe(false);
  });

  it('has 3 tenants and about 200 jobs across every kind and phase, with next actions and outcomes', async () => {
    const tenants = await sql`select slug from console.tenants order by slug`;
    expect(tenants.map((t) => t.slug)).toEqual(DEMO_TENANTS.map((t) => t.slug).sort());
    const [jobs] = await sql<
      [{ n: number; kinds: number; phases: number; withActions: number; withOutcome: number }]
    >`
      select count(*)::int as n, count(distinct kind)::int as kinds, count(distinct phase)::int as phases,
        count(*) filter (where jsonb_array_length(next_actions) > 0)::int as "withActions",
        count(*) filter (where last_known_outcome is not null)::int as "withOutcome"
      from scheduler.first_signal_snapshots`;
    expect(jobs.n).toBe(200);
    expect(jobs.kinds).toBe(8);
    expect(jobs.phases).toBe(7);
    expect(jobs.withActions).toBe(200);
    expect(jobs.withOutcome).toBeGreaterThan(100);
  });

  it('has 14 days of telemetry with slower cold starts, timeouts, errors and an SLO-breaching incident', async () => {
    const [span] = await sql<
      [{ days: number }]
    >`select extract(epoch from max(ts) - min(ts)) / 86400 as days from scheduler.ttfs_events`;
    expect(Number(span.days)).toBeGreaterThan(13.5);
    const byCache = await sql<{ cache_hit: boolean; p50: number }[]>`
      select cache_hit, percentile_cont(0.5) within group (order by ttfs_ms) as p50
      from scheduler.ttfs_events where event_type = 'signal.rendered' group by cache_hit`;
    const hit = byCache.find((r) => r.cache_hit)!.p50;
    const cold = byCache.find((r) => !r.cache_hit)!.p50;
    expect(cold).toBeGreaterThan(2 * hit);
    const [types] = await sql<[{ timeouts: number; errors: number; starts: number }]>`
      select count(*) filter (where event_type = 'signal.timeout')::int as timeouts,
             count(*) filter (where event_type = 'signal.error')::int as errors,
             count(*) filter (where event_type = 'signal.start')::int as starts
      from scheduler.ttfs_events`;
    expect(types.timeouts).toBeGreaterThan(0);
    expect(types.errors).toBeGreaterThan(0);
    expect(types.starts).toBeGreaterThan(0);
    // The incident: within the last 24 h some tenant-hour breaches the p95 objective.
    const [worst] = await sql<
      [{ pct: number }]
    >`select min(p95_compliance_pct)::float8 as pct from scheduler.ttfs_slo_breaches where total_signals >= 10`;
    expect(worst.pct).toBeLessThan(95);
  });

  it('has failure signatures, one of them expired', async () => {
    const [s] = await sql<[{ n: number; expired: number }]>`
      select count(*)::int as n, count(*) filter (where expires_at < now())::int as expired from scheduler.failure_signatures`;
    expect(s.n).toBeGreaterThanOrEqual(10);
    expect(s.expired).toBeGreaterThan(0);
  });
});
