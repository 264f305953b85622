import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consolePageTimings, hourlySli, latencySeries } from '@/lib/queries/dashboard';
import { windowFor } from '@/lib/schemas/dashboard';
import { newTenant, testSql } from '../helpers/db';
import { exactP } from '../helpers/rollups';

// Planner settings are the coordinator's on Citus; the workers plan the shards with their own.
const onCitus = inject('engine') === 'citus';

const sql = testSql();
const tenant = newTenant();
const scope = { tenantIds: [tenant] };
const now = new Date();
const window = windowFor('1h', now);
// Two minutes inside the last hour, well clear of its edges.
const minuteA = new Date(window.from.getTime() + 10 * 60_000);
const minuteB = new Date(window.from.getTime() + 40 * 60_000);

async function insert(
  ts: Date,
  surface: string,
  eventType: string,
  ttfsMs: number,
  metadata: Record<string, unknown> = {},
) {
  await sql`insert into scheduler.ttfs_events (ts, tenant_id, job_id, surface, event_type, ttfs_ms, cache_hit, metadata)
    values (${ts}, ${tenant}, ${randomUUID()}, ${surface}, ${eventType}, ${ttfsMs}, false, ${sql.json(metadata as never)})`;
}

const cliA = [100, 200, 300, 400, 5000];
beforeAll(async () => {
  for (const [i, ms] of cliA.entries())
    await insert(new Date(minuteA.getTime() + i * 1000), 'cli', 'signal.rendered', ms);
  await insert(new Date(minuteA.getTime() + 9000), 'cli', 'signal.start', 0);
  await insert(new Date(minuteB.getTime() + 1000), 'cli', 'signal.timeout', 30_000);
  await insert(new Date(minuteB.getTime() + 2000), 'cli', 'signal.error', 700);
  // The console's own page views, and a ui event without a page (a job page's signal).
  for (const ms of [120, 180, 240, 900])
    await insert(minuteB, 'ui', 'signal.rendered', ms, { page: 'overview' });
  await insert(minuteB, 'ui', 'signal.rendered', 60, { page: 'jobs' });
  await insert(minuteB, 'ui', 'signal.rendered', 5000);
});
afterAll(() => sql.end());

describe('the last 60 minutes at minute grain', () => {
  it('has exact per-minute percentiles and counts from the raw events, start markers excluded', async () => {
    expect(window.bucket).toBe('minute');
    expect(window.to.getTime() - window.from.getTime()).toBe(3600_000);
    const points = await latencySeries(window, scope, 'surface');
    const a = points.find((p) => p.series === 'cli' && p.bucket.getTime() === minuteA.getTime())!;
    expect(a.events).toBe(5);
    expect(a.p50).toBeCloseTo(exactP(cliA, 0.5), 6);
    expect(a.p95).toBeCloseTo(exactP(cliA, 0.95), 6);
    expect(a.over2000).toBe(1);
    const b = points.find((p) => p.series === 'cli' && p.bucket.getTime() === minuteB.getTime())!;
    expect([b.events, b.timeouts, b.errors]).toEqual([2, 1, 1]);
    const byCache = await latencySeries(window, { ...scope, surface: 'cli' }, 'cache');
    expect(new Set(byCache.map((p) => p.series))).toEqual(new Set(['cold start']));
  });
});

describe('breaches count the one SLI', () => {
  it('counts timeouts and errors as bad signals per hour, tenant and surface', async () => {
    const cells = await hourlySli(
      new Date(now.getTime() - 2 * 3600_000),
      new Date(now.getTime() + 3600_000),
      {
        ...scope,
        surface: 'cli',
      },
    );
    const total = cells.reduce((acc, c) => acc + c.total, 0);
    const bad5000 = cells.reduce((acc, c) => acc + c.bad5000, 0);
    const bad2000 = cells.reduce((acc, c) => acc + c.bad2000, 0);
    // 5 rendered (one at 5 s: late for 2 s, in time for 5 s) + 1 timeout + 1 error; the start marker is no signal.
    expect({ total, bad2000, bad5000 }).toEqual({ total: 7, bad2000: 3, bad5000: 2 });
  });
});

describe("the console's own page timings", () => {
  it('groups the pages reported as ui signals, ignoring ui events without a page', async () => {
    const rows = await consolePageTimings(
      new Date(now.getTime() - 3600_000),
      new Date(now.getTime() + 60_000),
      [tenant],
    );
    expect(rows.map((r) => [r.page, r.views])).toEqual([
      ['jobs', 1],
      ['overview', 4],
    ]);
    const overview = rows.find((r) => r.page === 'overview')!;
    expect(overview.p50).toBeCloseTo(exactP([120, 180, 240, 900], 0.5), 6);
    expect(overview.p95).toBeCloseTo(exactP([120, 180, 240, 900], 0.95), 6);
  });

  it.skipIf(onCitus)('reads them through the partial index, not the day of all events', async () => {
    await sql.begin(async (tx) => {
      await tx`set local enable_seqscan = off`;
      await tx`set local enable_bitmapscan = off`;
      const plan = await tx.unsafe(
        `explain select metadata->>'page', count(*) from scheduler.ttfs_events
          where surface = 'ui' and event_type = 'signal.rendered' and metadata ? 'page'
            and tenant_id = any($1::uuid[]) and ts >= now() - interval '1 day' and ts < now() group by 1`,
        [[tenant]],
      );
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('idx_ttfs_events_console_pages');
    });
  });
});
