import { z } from 'zod';
import { SIGNAL_KINDS, SIGNAL_PHASES } from './signal';

// The scanning platform's first-signal contract (docs/compat.md): what its
// console, CLI and CI plugins send and read.

const uuid = z.uuid();

/** `X-Tenant-Id`: a tenant's UUID (as `id`, lower case) or its slug (console.tenants). */
export const tenantHeader = z
  .string({ error: 'is required: send the tenant in X-Tenant-Id' })
  .trim()
  .min(1, 'is required: send the tenant in X-Tenant-Id')
  .max(64, 'must be a tenant UUID or slug')
  .transform((v, ctx): { id: string } | { slug: string } => {
    if (uuid.safeParse(v).success) return { id: v.toLowerCase() };
    if (/^[a-z0-9][a-z0-9-]{0,62}$/.test(v)) return { slug: v };
    ctx.addIssue({ code: 'custom', message: 'must be a tenant UUID or slug' });
    return z.NEVER;
  });

/** The stream's numeric codes: the 0-based positions in the schema's CHECK lists. */
export const KIND_CODES = Object.fromEntries(SIGNAL_KINDS.map((k, i) => [k, i])) as Record<
  (typeof SIGNAL_KINDS)[number],
  number
>;
export const PHASE_CODES = Object.fromEntries(SIGNAL_PHASES.map((p, i) => [p, i])) as Record<
  (typeof SIGNAL_PHASES)[number],
  number
>;

/** GET …/runs/{runId}/first-signal, 200. */
export const originFirstSignal = z.object({
  runId: z.uuid(),
  firstSignal: z.object({
    type: z.enum(SIGNAL_KINDS),
    stage: z.enum(SIGNAL_PHASES),
    step: z.string().nullable(),
    message: z.string(),
    at: z.iso.datetime({ offset: true }),
    artifact: z.object({ kind: z.literal('run'), range: z.null() }),
  }),
  summaryEtag: z.string(),
});
export type OriginFirstSignal = z.infer<typeof originFirstSignal>;

/** The `first_signal` event of the run stream. */
export const originStreamEvent = z.object({
  runId: z.uuid(),
  etag: z.string(),
  signal: z.object({
    version: z.literal('1.0'),
    signalId: z.string(),
    jobId: z.uuid(),
    timestamp: z.iso.datetime({ offset: true }),
    kind: z
      .number()
      .int()
      .min(0)
      .max(SIGNAL_KINDS.length - 1),
    phase: z
      .number()
      .int()
      .min(0)
      .max(SIGNAL_PHASES.length - 1),
    scope: z.object({ type: z.literal('run'), id: z.uuid() }),
    summary: z.string(),
    etaSeconds: z.number().int().nullable(),
    lastKnownOutcome: z.record(z.string(), z.unknown()).nullable(),
    nextActions: z.array(z.object({ label: z.string(), href: z.string() })),
    diagnostics: z.object({ cacheHit: z.boolean(), source: z.string() }).catchall(z.unknown()),
  }),
});
export type OriginStreamEvent = z.infer<typeof originStreamEvent>;
