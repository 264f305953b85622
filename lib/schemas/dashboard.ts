import { z } from 'zod';

export const RANGES = { '1h': 1, '24h': 24, '7d': 7 * 24, '30d': 30 * 24, '90d': 90 * 24 } as const;
export type RangeKey = keyof typeof RANGES;

/** Overview filters, all in the URL so a link reproduces the view. */
export const dashboardFilters = z.object({
  range: z
    .enum(Object.keys(RANGES) as [RangeKey, ...RangeKey[]])
    .catch('24h')
    .default('24h'),
  surface: z.enum(['ui', 'cli', 'ci']).optional().catch(undefined),
  cache: z.enum(['hit', 'cold']).optional().catch(undefined),
  split: z.enum(['surface', 'cache']).catch('surface').default('surface'),
  budget: z.enum(['7d', '28d', '30d', 'month']).catch('30d').default('30d'),
  drill: z.iso.datetime({ offset: true }).optional().catch(undefined),
  drillSurface: z.enum(['ui', 'cli', 'ci']).optional().catch(undefined),
  drillTenant: z.uuid().optional().catch(undefined),
});
export type DashboardFilters = z.infer<typeof dashboardFilters>;

export type Grain = 'minute' | 'hour' | 'day';

export interface Window {
  from: Date;
  to: Date;
  bucket: Grain;
}

export const GRAIN_MS: Record<Grain, number> = { minute: 60_000, hour: 3600_000, day: 86400_000 };

/** The grain a range is shown at: minutes for the last hour, hours up to 7 days, days beyond. */
export function grainFor(range: RangeKey): Grain {
  const hours = RANGES[range];
  return hours <= 1 ? 'minute' : hours > 7 * 24 ? 'day' : 'hour';
}

/**
 * Whole buckets ending with the current, partial one: the last 60 minutes at
 * minute grain, whole hours up to 7 days, whole UTC days beyond.
 */
export function windowFor(range: RangeKey, now = new Date()): Window {
  const hours = RANGES[range];
  const bucket = grainFor(range);
  const to = new Date(now);
  if (bucket === 'minute') {
    to.setUTCSeconds(0, 0);
    to.setUTCMinutes(to.getUTCMinutes() + 1);
  } else if (bucket === 'day') {
    to.setUTCHours(0, 0, 0, 0);
    to.setUTCDate(to.getUTCDate() + 1);
  } else {
    to.setUTCMinutes(0, 0, 0);
    to.setUTCHours(to.getUTCHours() + 1);
  }
  const from = new Date(to.getTime() - hours * 3600_000);
  return { from, to, bucket };
}

export function previousWindow(w: Window): Window {
  const length = w.to.getTime() - w.from.getTime();
  return { from: new Date(w.from.getTime() - length), to: w.from, bucket: w.bucket };
}
