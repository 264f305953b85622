import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  budgetSpendBySegment,
  cacheStateTotals,
  latencyHistogram,
  latencySeries,
  signatureToggles,
  sliCounts,
  slowestEvents,
  surfaceTotals,
} from '@/lib/queries/dashboard';
import { newTenant, testSql } from '../helpers/db';
import { exactP } from '../helpers/rollups';

const sql = testSql();
const tenant = newTenant();
const hour = new Date();
hour.setUTCMinutes(0, 0, 0);
hour.setUTCHours(hour.getUTCHours() - 3);
const window = {
  from: new Date(hour.getTime() - 3600_000),
  to: new Date(hour.getTime() + 2 * 3600_000),
  bucket: 'hour' as const,
};
const scope = { tenantIds: [tenant] };

// Known data: ui cache hits 100..1000 ms (10 rendered), ui cold starts 3000 and 6000, one cli timeout, one start marker.
beforeAll(async () => {
  const rows = [
    ...Array.from({ length: 10 }, (_, i) => ({
      surface: 'ui',
      event_type: 'signal.rendered',
      ttfs_ms: (i + 1) * 100,
      cache_hit: true,
    })),
    { surface: 'ui', event_type: 'signal.rendered', ttfs_ms: 3000, cache_hit: false },
    { surface: 'ui', event_type: 'signal.rendered', ttfs_ms: 6000, cache_hit: false },
    { surface: 'cli', event_type: 'signal.timeout', ttfs_ms: 30000, cache_hit: false },
    { surface: 'ui', event_type: 'signal.start', ttfs_ms: 0, cache_hit: true },
  ].map((r, i) => ({
    ...r,
    ts: new Date(hour.getTime() + i * 60_000),
    tenant_id: tenant,
    job_id: randomUUID(),
  }));
  await sql`insert into scheduler.ttfs_events ${sql(rows, 'ts', 'tenant_id', 'job_id', 'surface', 'event_type', 'ttfs_ms', 'cache_hit')}`;
});
afterAll(() => sql.end());

const within1pct = (a: number | null, b: number) =>
  expect(Math.abs((a ?? NaN) - b) / b).toBeLessThanOrEqual(0.01);

describe('dashboard queries over the rollups', () => {
  it('per-surface totals: exact counts, percentiles within 1% of percentile_cont, start markers excluded', async () => {
    const totals = await surfaceTotals(window, scope);
    const ui = totals.find((t) => t.series === 'ui')!;
    const uiValues = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 3000, 6000];
    expect(ui.events).toBe(12);
    expect(ui.over2000).toBe(2);
    expect(ui.over5000).toBe(1);
    expect(ui.cacheHits).toBe(10);
    within1pct(ui.p50, exactP(uiValues, 0.5));
    within1pct(ui.p95, exactP(uiValues, 0.95));
    const cli = totals.find((t) => t.series === 'cli')!;
    expect(cli).toMatchObject({ events: 1, timeouts: 1, over5000: 1 });
  });

  it('splits by cache hit vs cold start without averaging percentiles', async () => {
    const series = await latencySeries(window, { ...scope, surface: 'ui' }, 'cache');
    const hit = series.filter((p) => p.series === 'cache hit');
    const cold = series.filter((p) => p.series === 'cold start');
    expect(hit.reduce((a, p) => a + p.events, 0)).toBe(10);
    within1pct(hit.find((p) => p.events > 0)!.p50, 550);
    expect(cold.reduce((a, p) => a + p.events, 0)).toBe(2);
    within1pct(cold[0]!.p50, 4500);
  });

  it('merges the histogram into display bins with exact totals', async () => {
    const bins = await latencyHistogram(window, scope);
    expect(bins.reduce((a, b) => a + b.n, 0)).toBe(13);
    expect(bins.find((b) => b.fromMs === 5000)!.n).toBe(1);
  });

  it('counts SLI outcomes exactly from raw events and from the rollups alike', async () => {
    for (const [from, to] of [
      [new Date(Date.now() - 5 * 3600_000), new Date()],
      [new Date(Date.now() - 30 * 86400_000), new Date()],
    ] as const) {
      const rows = await sliCounts(from, to, scope);
      const ui = rows.find((r) => r.surface === 'ui')!;
      expect(ui).toMatchObject({ total: 12, bad2000: 2, bad5000: 1 });
      expect(rows.find((r) => r.surface === 'cli')).toMatchObject({ total: 1, bad2000: 1, bad5000: 1 });
    }
  });

  it('lists the slowest events of a bucket for drill-down', async () => {
    const slow = await slowestEvents(hour, scope, 3);
    expect(slow.map((e) => e.ttfsMs)).toEqual([30000, 6000, 3000]);
  });

  it('attributes bad signals to segments and splits p95 by cache state', async () => {
    const segments = await budgetSpendBySegment(window.from, window.to, scope);
    const cold = segments.find((s) => s.surface === 'ui' && !s.cacheHit)!;
    expect(cold).toMatchObject({ total: 2, bad5000: 1, bad2000: 2 });
    expect(segments.find((s) => s.surface === 'cli')).toMatchObject({ total: 1, bad5000: 1 });
    const totals = await cacheStateTotals(window, { ...scope, surface: 'ui' });
    expect(totals.hit!.events).toBe(10);
    expect(totals.cold!.events).toBe(2);
    within1pct(totals.cold!.p95, 3000 + 0.95 * 3000);
  });

  it('lists failure-signature toggles in the window as annotations', async () => {
    const signature = randomUUID();
    await sql`insert into console.signature_audit (tenant_id, signature_id, actor_id, actor_name, action, at, after)
      values (${tenant}, ${signature}, 'u', 'Admin', 'disable', ${new Date(hour.getTime() + 600_000)}, ${sql.json({ outcome: { likely_cause: 'Rate limits' } })})`;
    const toggles = await signatureToggles(window, scope);
    expect(toggles).toEqual([expect.objectContaining({ action: 'disable', cause: 'Rate limits' })]);
  });
});
