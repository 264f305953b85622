import { z } from 'zod';
import { isSafeHref } from '@/lib/http/same-origin';

// Enumerations exactly as the scheduler schema's CHECK constraints.
export const SIGNAL_KINDS = [
  'queued',
  'started',
  'phase',
  'blocked',
  'failed',
  'succeeded',
  'canceled',
  'unavailable',
] as const;
export const SIGNAL_PHASES = [
  'resolve',
  'fetch',
  'restore',
  'analyze',
  'policy',
  'report',
  'unknown',
] as const;
export const SIGNAL_SOURCES = ['snapshot', 'cold_start', 'failure_index'] as const;
export const TERMINAL_KINDS = ['succeeded', 'failed', 'canceled'] as const;

export const signalKind = z.enum(SIGNAL_KINDS);
export const signalPhase = z.enum(SIGNAL_PHASES);
export const signalSource = z.enum(SIGNAL_SOURCES);
export type SignalKind = z.infer<typeof signalKind>;
export type SignalPhase = z.infer<typeof signalPhase>;
export type SignalSource = z.infer<typeof signalSource>;

/**
 * Same-origin relative paths ("/runs/x"; never "//host", "/\\host" or one with
 * tabs or line breaks) or absolute http(s) URLs; never javascript: or data:.
 */
export const safeHref = z.string().min(1).max(2048).refine(isSafeHref, {
  message: 'must be a same-origin path starting with / or an http(s) URL',
});

export const nextAction = z.object({
  label: z.string().trim().min(1).max(80),
  href: safeHref,
});
export type NextAction = z.infer<typeof nextAction>;

/** The predicted outcome of a matched failure signature (see docs/signatures.md). */
export const prediction = z.object({
  signatureId: z.uuid(),
  likelyCause: z.string(),
  mttrP50Seconds: z.number().nullable(),
  mttrP95Seconds: z.number().nullable(),
  suggestedAction: z.string().nullable(),
  remediationUrl: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  matchedAt: z.string(),
});
export type Prediction = z.infer<typeof prediction>;

/** The one canonical shape of a first signal, as served by the API and rendered by every surface. */
export const signal = z.object({
  jobId: z.uuid(),
  tenantId: z.uuid(),
  runId: z.uuid().nullable(),
  kind: signalKind,
  phase: signalPhase,
  summary: z.string(),
  etaSeconds: z.number().int().nullable(),
  lastKnownOutcome: z.record(z.string(), z.unknown()).nullable(),
  nextActions: z.array(nextAction),
  diagnostics: z.record(z.string(), z.unknown()),
  updatedAt: z.string(),
  /** Present when the job failed and a failure signature matched. */
  prediction: prediction.nullable().optional(),
});
export type Signal = z.infer<typeof signal>;

/** PUT /api/v1/jobs/{jobId}/signal: a snapshot from the scheduler (snake_case, like the columns). */
export const signalWrite = z.strictObject({
  tenant_id: z.uuid(),
  run_id: z.uuid().nullish(),
  kind: signalKind,
  phase: signalPhase,
  summary: z.string().trim().min(1).max(500),
  eta_seconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86400)
    .nullish(),
  last_known_outcome: z.record(z.string(), z.unknown()).nullish(),
  next_actions: z.array(nextAction).max(10).nullish(),
  diagnostics: z.record(z.string(), z.unknown()).default({}),
});
export type SignalWrite = z.infer<typeof signalWrite>;

/** No control characters (a search box never sends them; PostgreSQL text cannot hold U+0000). */
export const printable = (text: string) => !/[\u0000-\u001f\u007f]/.test(text);

/** Filters of the jobs list, from the URL. */
export const jobListFilters = z.object({
  kind: signalKind.optional().catch(undefined),
  phase: signalPhase.optional().catch(undefined),
  q: z.string().trim().max(64).refine(printable).optional().catch(undefined),
});
export type JobListFilters = z.infer<typeof jobListFilters>;
