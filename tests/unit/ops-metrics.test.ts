import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  baselineSeries,
  MAX_ERROR_CODE_LABELS,
  observeIngested,
  routeLabel,
  scrape,
  TTFS_LABELS,
  UNMATCHED_ROUTE,
  zeroSeries,
  type ObservedEvent,
} from '@/lib/ops/metrics';
import { parseExposition, sampleSum, samples, TTFS_COUNTER_FAMILIES } from '../helpers/metrics';

const rendered = (tenant_id: string, ttfs_ms: number, extra: Partial<ObservedEvent> = {}): ObservedEvent => ({
  tenant_id,
  surface: 'cli',
  event_type: 'signal.rendered',
  ttfs_ms,
  cache_hit: true,
  signal_source: 'snapshot',
  kind: 'phase',
  phase: 'fetch',
  ...extra,
});

describe('Prometheus metrics (the origin catalogue)', () => {
  it('exposes the six TTFS families with their labels, as a parseable, cumulative histogram and counters', async () => {
    const tenant = randomUUID();
    observeIngested([
      { tenant_id: tenant, surface: 'cli', event_type: 'signal.start', ttfs_ms: 0, cache_hit: true },
      rendered(tenant, 800),
      rendered(tenant, 6000),
      {
        tenant_id: tenant,
        surface: 'cli',
        event_type: 'signal.timeout',
        ttfs_ms: 30000,
        cache_hit: false,
        error_code: 'E_TIMEOUT',
      },
    ]);
    const { samples: all, types } = parseExposition(await scrape());
    expect(types.get('ttfs_latency_seconds')).toBe('histogram');
    for (const family of TTFS_COUNTER_FAMILIES) expect(types.get(family), family).toBe('counter');
    const mine = all.filter((s) => s.labels.tenant_id === tenant);
    for (const s of mine.filter((s) => s.name !== 'ttfs_error_total' && !s.name.endsWith('_bucket')))
      expect(Object.keys(s.labels).sort(), s.name).toEqual([...TTFS_LABELS].sort());
    const fetchBuckets = mine.filter(
      (s) => s.name === 'ttfs_latency_seconds_bucket' && s.labels.phase === 'fetch',
    );
    expect(fetchBuckets.find((s) => s.labels.le === '1')!.value).toBe(1);
    expect(fetchBuckets.find((s) => s.labels.le === '7.5')!.value).toBe(2);
    expect(fetchBuckets.find((s) => s.labels.le === '+Inf')!.value).toBe(2);
    const values = fetchBuckets.map((s) => s.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    // signal.start is a marker, not an outcome: three signals, two hits, one miss.
    expect(await sampleSum('ttfs_signal_total', { tenant_id: tenant })).toBe(3);
    expect(await sampleSum('ttfs_cache_hit_total', { tenant_id: tenant })).toBe(2);
    expect(await sampleSum('ttfs_cache_miss_total', { tenant_id: tenant })).toBe(1);
    const [error] = await samples('ttfs_error_total', { tenant_id: tenant });
    expect(error).toEqual({
      name: 'ttfs_error_total',
      labels: {
        surface: 'cli',
        cache_hit: 'false',
        signal_source: 'none',
        kind: 'none',
        phase: 'none',
        tenant_id: tenant,
        error_type: 'timeout',
        error_code: 'E_TIMEOUT',
      },
      value: 1,
    });
  });

  it('counts one breach per rendered signal slower than 5 s (not one per objective)', async () => {
    const tenant = randomUUID();
    observeIngested([rendered(tenant, 2500), rendered(tenant, 5000), rendered(tenant, 5001)]);
    expect(await sampleSum('ttfs_slo_breach_total', { tenant_id: tenant })).toBe(1);
    observeIngested([rendered(tenant, 60_000)]);
    expect(await sampleSum('ttfs_slo_breach_total', { tenant_id: tenant })).toBe(2);
  });

  it('exports the counters of every known label set at 0, and zeroing never resets a count', async () => {
    const tenant = randomUUID();
    zeroSeries(baselineSeries([tenant]));
    for (const family of [
      'ttfs_signal_total',
      'ttfs_slo_breach_total',
      'ttfs_cache_hit_total',
      'ttfs_cache_miss_total',
    ]) {
      const zeroed = await samples(family, { tenant_id: tenant });
      // 3 surfaces x cache hit and miss.
      expect(zeroed, family).toHaveLength(6);
      expect(zeroed.every((s) => s.value === 0)).toBe(true);
    }
    expect(await samples('ttfs_error_total', { tenant_id: tenant, surface: 'ui' })).toHaveLength(4);
    observeIngested([
      rendered(tenant, 9000, { surface: 'ui', signal_source: null, kind: null, phase: null }),
    ]);
    zeroSeries(baselineSeries([tenant]));
    expect(await sampleSum('ttfs_slo_breach_total', { tenant_id: tenant, surface: 'ui' })).toBe(1);
  });

  it('exports a series first used after start at 0 for one scrape, so rate() sees its first event', async () => {
    const tenant = randomUUID();
    const value = (text: string, family: string) =>
      parseExposition(text)
        .samples.filter((s) => s.name === family && s.labels.tenant_id === tenant)
        .reduce((sum, s) => sum + s.value, 0);
    const present = (text: string, family: string) =>
      parseExposition(text).samples.some((s) => s.name === family && s.labels.tenant_id === tenant);
    observeIngested([
      rendered(tenant, 9000),
      { ...rendered(tenant, 400), event_type: 'signal.error', error_code: 'E_NEW' },
    ]);
    // The first scrape has every new series at 0: Prometheus's sample before the first event.
    const first = await scrape();
    for (const family of [
      'ttfs_signal_total',
      'ttfs_slo_breach_total',
      'ttfs_cache_hit_total',
      'ttfs_error_total',
    ]) {
      expect(present(first, family), family).toBe(true);
      expect(value(first, family), family).toBe(0);
    }
    // More events before the next scrape are held with the first ones.
    observeIngested([rendered(tenant, 300)]);
    const second = await scrape();
    expect(value(second, 'ttfs_signal_total')).toBe(3);
    expect(value(second, 'ttfs_slo_breach_total')).toBe(1);
    expect(value(second, 'ttfs_error_total')).toBe(1);
    // From then on counts show at once.
    observeIngested([rendered(tenant, 9000)]);
    const third = await scrape();
    expect(value(third, 'ttfs_signal_total')).toBe(4);
    expect(value(third, 'ttfs_slo_breach_total')).toBe(2);
  });

  it('keeps error codes bounded: the first 200 well-formed codes, then "other"', async () => {
    const tenant = randomUUID();
    observeIngested(
      Array.from({ length: MAX_ERROR_CODE_LABELS + 50 }, (_, i) => ({
        tenant_id: tenant,
        surface: 'ci',
        event_type: 'signal.error',
        ttfs_ms: 100,
        cache_hit: false,
        error_code: i === 0 ? 'x'.repeat(4000) : `E_${i}`,
      })),
    );
    const codes = new Set(
      (await samples('ttfs_error_total', { tenant_id: tenant })).map((s) => s.labels.error_code),
    );
    expect(codes.size).toBeLessThanOrEqual(MAX_ERROR_CODE_LABELS + 1);
    expect(codes.has('other')).toBe(true);
    expect([...codes].every((c) => c!.length <= 64)).toBe(true);
  });
});

describe('HTTP route labels', () => {
  it('labels a request by its route pattern, never by the path it was sent to', () => {
    expect(
      routeLabel('/api/v1/jobs/6f1c3a2e-1b2c-4d5e-8f90-0123456789ab/signal', {
        jobId: '6f1c3a2e-1b2c-4d5e-8f90-0123456789ab',
      }),
    ).toBe('/api/v1/jobs/:id/signal');
    const huge = 'a'.repeat(4000);
    expect(routeLabel(`/api/v1/runs/${huge}/signal`, { runId: huge })).toBe('/api/v1/runs/:id/signal');
    expect(routeLabel('/api/v1/runs/%E2%9C%93%20x/signal', { runId: '✓ x' })).toBe('/api/v1/runs/:id/signal');
    expect(routeLabel('/api/v1/stream/signals')).toBe('/api/v1/stream/signals');
    // A parameter that is not in the path cannot be placed: never the raw path.
    expect(routeLabel(`/api/v1/runs/${huge}/signal`, { runId: 'elsewhere' })).toBe(UNMATCHED_ROUTE);
  });
});
