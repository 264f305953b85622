import { describe, expect, it } from 'vitest';
import { layoutAnnotations, logScale, niceTimeTicks } from '@/components/charts/scale';

describe('the log axis', () => {
  it('keeps p50 and p95 readable when p99 spikes: each factor of ten takes the same height', () => {
    const scale = logScale([400, 900, 2500, 30_000], [2000, 5000]);
    expect(scale.min).toBeLessThanOrEqual(400);
    expect(scale.max).toBeGreaterThanOrEqual(30_000);
    // 500 ms and 5 s are as far apart as 5 s and 50 s would be.
    const decade = scale.y(500) - scale.y(5000);
    expect(decade).toBeGreaterThan(25);
    expect(scale.y(scale.max)).toBeCloseTo(0);
    expect(scale.y(scale.min)).toBeCloseTo(100);
    expect(scale.ticks).toContain(2000);
    expect(scale.ticks).toContain(5000);
    expect(scale.ticks.length).toBeLessThanOrEqual(7);
  });

  it('always shows the objectives, even without data', () => {
    const scale = logScale([], [2000, 5000]);
    expect(scale.min).toBeLessThan(2000);
    expect(scale.max).toBeGreaterThan(5000);
  });
});

describe('time ticks', () => {
  const hour = 3600_000;
  const from = Date.parse('2026-12-07T00:00:00Z');
  it('are round in the display zone', () => {
    const utc = niceTimeTicks(from, from + 24 * hour, 'hour', 'UTC');
    expect(utc.map((t) => new Date(t).getUTCHours())).toEqual([0, 4, 8, 12, 16, 20, 0]);
    // Kolkata is UTC+5:30: local 00:00, 04:00… fall on half hours in UTC.
    const kolkata = niceTimeTicks(from, from + 24 * hour, 'hour', 'Asia/Kolkata');
    expect(kolkata.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      '02:30',
      '06:30',
      '10:30',
      '14:30',
      '18:30',
      '22:30',
    ]);
    const minutes = niceTimeTicks(from, from + hour, 'minute', 'UTC');
    expect(minutes).toHaveLength(7);
  });
});

describe('annotations', () => {
  it('never overlap: close markers take the second row, then merge', () => {
    const placed = layoutAnnotations(
      [
        { t: 1, kind: 'release', label: 'v2.14.0', x: 50 },
        { t: 2, kind: 'release', label: 'v2.14.1', x: 51 },
        { t: 3, kind: 'release', label: 'v2.14.2', x: 52 },
        { t: 4, kind: 'signature', label: 'signature disabled: x', x: 80 },
      ],
      5,
    );
    expect(placed.map((p) => [p.short, p.row])).toEqual([
      ['R1', 0],
      ['R2+1', 1],
      ['S1', 0],
    ]);
    expect(placed[1]!.items.map((i) => i.label)).toEqual(['v2.14.1', 'v2.14.2']);
    expect(placed[1]!.short).toBe('R2+1');
    for (const row of [0, 1]) {
      const xs = placed.filter((p) => p.row === row).map((p) => p.x);
      for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(5);
    }
  });
});
