import { z } from 'zod';
import { SIGNAL_KINDS, SIGNAL_PHASES, SIGNAL_SOURCES } from './signal';

export const SURFACES = ['ui', 'cli', 'ci'] as const;
export const EVENT_TYPES = [
  'signal.start',
  'signal.rendered',
  'signal.timeout',
  'signal.error',
  'signal.cache_hit',
  'signal.cold_start',
] as const;
export const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_BODY_BYTES = 1024 * 1024;

const shortText = (max: number) => z.string().max(max).nullish();

/** How far ahead of the server's clock an event's timestamp may be (clients' clock skew). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Events older than this are deleted by retention (TTFS_RETENTION_EVENTS_DAYS), so never accepted
 * either. The one reader of the variable: retention's policy uses it too.
 */
export function eventRetentionDays(
  env: Record<string, string | undefined> | undefined = globalThis.process?.env,
): number {
  const days = Number(env?.TTFS_RETENTION_EVENTS_DAYS ?? 90);
  return Number.isFinite(days) && days > 0 ? days : 90;
}

/**
 * Telemetry timestamps are plausible from the retention horizon in the past to
 * a few minutes of clock skew in the future. Anything else (year 0000, 1970,
 * 9999) would be stored, rolled up and, if in the future, become a job's
 * latest state: it is refused with the field path instead.
 */
export function plausibleTimestamp(value: string, now = Date.now()): boolean {
  const at = Date.parse(value);
  return (
    Number.isFinite(at) && at >= now - eventRetentionDays() * 86_400_000 && at <= now + MAX_CLOCK_SKEW_MS
  );
}

/**
 * One TTFS measurement on the wire (schema_version v1.0): snake_case, fields as
 * the scheduler.ttfs_events columns, `timestamp` for `ts`. Unknown fields are
 * rejected so a typo never silently drops data.
 */
export const ttfsEventV1 = z.strictObject({
  schema_version: z.literal('v1.0', { error: 'must be "v1.0"' }),
  event_id: z.uuid().optional(),
  timestamp: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' })
    .refine(plausibleTimestamp, {
      error: () =>
        `must lie within the last ${eventRetentionDays()} days and at most ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead of the server's clock`,
    })
    .optional(),
  tenant_id: z.uuid(),
  job_id: z.uuid(),
  run_id: z.uuid().nullish(),
  surface: z.enum(SURFACES),
  event_type: z.enum(EVENT_TYPES),
  ttfs_ms: z.number().int().min(0).max(2_147_483_647),
  cache_hit: z.boolean().default(false),
  signal_source: z.enum(SIGNAL_SOURCES).nullish(),
  kind: z.enum(SIGNAL_KINDS).nullish(),
  phase: z.enum(SIGNAL_PHASES).nullish(),
  network_state: shortText(32),
  device: shortText(64),
  release: shortText(64),
  correlation_id: shortText(128),
  trace_id: shortText(128),
  span_id: shortText(64),
  error_code: shortText(128),
  error_message: shortText(2000),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type TtfsEventV1 = z.infer<typeof ttfsEventV1>;
export type TtfsEventInput = z.input<typeof ttfsEventV1>;

/** One event or an array of 1..1000 events. */
export const ttfsBatch = z.union([
  ttfsEventV1.transform((e) => [e]),
  z.array(ttfsEventV1).min(1, 'send at least one event').max(MAX_EVENTS_PER_REQUEST),
]);

export interface IngestResult {
  accepted: number;
  duplicates: number;
}
