import { describe, expect, it } from 'vitest';
import { exposition, observeIngested, routeLabel } from '@/lib/ops/metrics';

/** A strict reader of the text exposition format: every sample line must parse. */
function parse(text: string) {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  const types = new Map<string, string>();
  for (const line of text.trim().split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name!, type!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+]+|\+Inf|NaN)$/.exec(line);
    if (!m) throw new Error(`unparseable line: ${line}`);
    const labels = Object.fromEntries(
      [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]),
    );
    samples.push({ name: m[1]!, labels, value: Number(m[4]) });
  }
  return { samples, types };
}

describe('Prometheus metrics', () => {
  it('exposes ingested events as a parseable, cumulative histogram and counters', () => {
    observeIngested([
      { surface: 'cli', event_type: 'signal.start', ttfs_ms: 0, cache_hit: true },
      {
        surface: 'cli',
        event_type: 'signal.rendered',
        ttfs_ms: 800,
        cache_hit: true,
        signal_source: 'snapshot',
        kind: 'phase',
        phase: 'fetch',
      },
      {
        surface: 'cli',
        event_type: 'signal.rendered',
        ttfs_ms: 6000,
        cache_hit: true,
        signal_source: 'snapshot',
        kind: 'phase',
        phase: 'fetch',
      },
      { surface: 'cli', event_type: 'signal.timeout', ttfs_ms: 30000, cache_hit: false },
    ]);
    const { samples, types } = parse(exposition([{ name: 'ttfs_sse_open_streams', help: 'x', value: 3 }]));
    expect(types.get('ttfs_latency_seconds')).toBe('histogram');
    expect(types.get('ttfs_sse_open_streams')).toBe('gauge');
    const fetchBuckets = samples.filter(
      (s) => s.name === 'ttfs_latency_seconds_bucket' && s.labels.phase === 'fetch',
    );
    expect(fetchBuckets.find((s) => s.labels.le === '1')!.value).toBe(1);
    expect(fetchBuckets.find((s) => s.labels.le === '7.5')!.value).toBe(2);
    expect(fetchBuckets.find((s) => s.labels.le === '+Inf')!.value).toBe(2);
    // Buckets are cumulative.
    const values = fetchBuckets.map((s) => s.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    const breach = (objective: string) =>
      samples.find(
        (s) =>
          s.name === 'ttfs_slo_breach_total' &&
          s.labels.surface === 'cli' &&
          s.labels.objective === objective,
      )!.value;
    expect(breach('p50')).toBe(1);
    expect(breach('p95')).toBe(1);
    expect(samples.find((s) => s.name === 'ttfs_error_total' && s.labels.type === 'timeout')!.value).toBe(1);
    expect(
      samples.find((s) => s.name === 'ttfs_signal_total' && s.labels.event_type === 'signal.start')!.value,
    ).toBe(1);
  });

  it('keeps route labels bounded', () => {
    expect(routeLabel('/api/v1/jobs/6f1c3a2e-1b2c-4d5e-8f90-0123456789ab/signal')).toBe(
      '/api/v1/jobs/:id/signal',
    );
  });
});
