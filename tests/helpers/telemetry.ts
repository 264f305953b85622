import { randomUUID } from 'node:crypto';
import type { TtfsEventInput } from '@/lib/schemas/telemetry';

/** A valid wire event for `tenant`, overridable field by field. */
export function wireEvent(tenant: string, overrides: Partial<TtfsEventInput> = {}): TtfsEventInput {
  return {
    schema_version: 'v1.0',
    event_id: randomUUID(),
    timestamp: new Date().toISOString(),
    tenant_id: tenant,
    job_id: randomUUID(),
    surface: 'ui',
    event_type: 'signal.rendered',
    ttfs_ms: 900,
    cache_hit: true,
    ...overrides,
  };
}

/** Lognormal milliseconds, like real TTFS. */
export function lognormalMs(random: () => number, median: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  return Math.max(1, Math.round(median * Math.exp(sigma * z)));
}
