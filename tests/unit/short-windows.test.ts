import { describe, expect, it } from 'vitest';
import { planShortWindows, sumTerms } from '@/lib/slo/short-windows';
import { prng } from '../../db/demo/tenants';

const HOUR = 3_600_000;
const MIN = 60_000;

/** Counts a window's terms over a list of timestamps, as the SQL does (cells by hour, raw by width_bucket). */
function evaluate(events: number[], to: number, lengths: number[], recordedUntil: number) {
  const plan = planShortWindows(to, lengths, recordedUntil);
  const inRaw = (t: number) => plan.rawRanges.some(([a, b]) => t >= a && t < b);
  const cells = new Map<number, { n: number }>();
  const raw = new Map<number, { n: number }>();
  for (const t of events) {
    const hour = Math.floor(t / HOUR) * HOUR;
    if (plan.hours.includes(hour)) cells.set(hour, { n: (cells.get(hour)?.n ?? 0) + 1 });
    if (inRaw(t)) {
      const i = plan.boundaries.filter((b) => b <= t).length; // width_bucket
      raw.set(i, { n: (raw.get(i)?.n ?? 0) + 1 });
    }
  }
  return {
    plan,
    counts: plan.windows.map(
      (terms) =>
        sumTerms(
          terms,
          plan.boundaries,
          (h) => cells.get(h),
          (i) => raw.get(i),
          ['n'] as const,
        ).n,
    ),
  };
}

describe('short windows from hour cells and raw edges', () => {
  it('count exactly what lies in [to - length, to), events after `to` and on boundaries included', () => {
    const rand = prng(4242);
    for (let run = 0; run < 400; run++) {
      const to = Date.UTC(2026, 10, 20, 12) + rand.int(-3 * HOUR, 3 * HOUR);
      const lengths = [5 * MIN, 30 * MIN, HOUR, rand.int(1, 6 * HOUR - 1)];
      const events = Array.from({ length: 300 }, () => to + rand.int(-7 * HOUR, 2 * HOUR));
      // Exact boundaries: window starts, `to`, hour starts.
      events.push(
        to,
        to - 1,
        ...lengths.map((l) => to - l),
        ...lengths.map((l) => Math.floor((to - l) / HOUR) * HOUR),
      );
      const recordedUntil = rand.next() < 0.5 ? to : to + rand.int(0, HOUR);
      const { counts } = evaluate(events, to, lengths, recordedUntil);
      lengths.forEach((l, i) =>
        expect(counts[i], `run ${run} length ${l}`).toBe(events.filter((t) => t >= to - l && t < to).length),
      );
    }
  });

  it('reads at most 35 raw minutes for the 5 min, 30 min and 1 h windows, whatever the minute', () => {
    for (let minute = 0; minute < 60; minute++) {
      for (const second of [0, 17, 59]) {
        const to = Date.UTC(2026, 10, 20, 12, minute, second);
        const { rawRanges } = planShortWindows(to, [5 * MIN, 30 * MIN, HOUR], to);
        const before = rawRanges.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - a), 0);
        expect(before, `${minute}:${second}`).toBeLessThanOrEqual(35 * MIN + 1000);
      }
    }
  });
});
