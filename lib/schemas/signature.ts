import { z } from 'zod';
import { imagePatternSafety } from '@/lib/signatures/pattern-safety';
import { printable, safeHref } from './signal';

export const PATTERN_PHASES = ['resolve', 'fetch', 'restore', 'analyze', 'policy', 'report'] as const;

export const signaturePattern = z
  .strictObject({
    phase: z.enum(PATTERN_PHASES).optional(),
    error_code: z.string().trim().min(1).max(128).optional(),
    image_pattern: z
      .string()
      .min(1)
      .max(256, 'at most 256 characters')
      .superRefine((pattern, ctx) => {
        const verdict = imagePatternSafety(pattern);
        if (!verdict.safe)
          ctx.addIssue({
            code: 'custom',
            message: `PostgreSQL cannot match this in bounded time: ${verdict.reason}`,
          });
      })
      .optional(),
  })
  .refine((p) => p.phase || p.error_code || p.image_pattern, {
    message: 'set at least one of phase, error code or image pattern',
  });
export type SignaturePattern = z.infer<typeof signaturePattern>;

export const signatureOutcome = z.strictObject({
  likely_cause: z.string().trim().min(1).max(300),
  mttr_p50_seconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86400)
    .nullish(),
  mttr_p95_seconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 86400)
    .nullish(),
  suggested_action: z.string().trim().max(500).nullish(),
  remediation_url: safeHref.nullish(),
});
export type SignatureOutcome = z.infer<typeof signatureOutcome>;

const reason = z.string().trim().max(500).optional();

export const signatureCreate = z.strictObject({
  tenant_id: z.uuid(),
  pattern: signaturePattern,
  outcome: signatureOutcome,
  confidence: z.number().min(0).max(1).default(0.5),
  enabled: z.boolean().default(true),
  expires_at: z.iso.datetime({ offset: true }).nullish(),
  reason,
});
export type SignatureCreate = z.infer<typeof signatureCreate>;

export const signaturePatch = z
  .strictObject({
    pattern: signaturePattern.optional(),
    outcome: signatureOutcome.optional(),
    confidence: z.number().min(0).max(1).optional(),
    enabled: z.boolean().optional(),
    expires_at: z.iso.datetime({ offset: true }).nullish(),
    reason,
  })
  .refine((p) => Object.keys(p).some((k) => k !== 'reason'), { message: 'change at least one field' });
export type SignaturePatch = z.infer<typeof signaturePatch>;

export const matchRequest = z.strictObject({
  tenant_id: z.uuid(),
  phase: z.enum(PATTERN_PHASES),
  error_code: z.string().trim().max(128).nullish(),
  image_reference: z.string().trim().max(512).nullish(),
});
export type MatchRequest = z.infer<typeof matchRequest>;

export const signatureListFilters = z.object({
  status: z.enum(['enabled', 'disabled', 'expired']).optional().catch(undefined),
  q: z.string().trim().max(100).refine(printable).optional().catch(undefined),
  sort: z
    .enum(['confidence', 'samples', 'last_matched', 'updated'])
    .catch('confidence')
    .default('confidence'),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type SignatureListFilters = z.infer<typeof signatureListFilters>;

/** POST /api/v1/failure-signatures/preview: what a pattern would have matched in the last 7 days. */
export const previewRequest = z.strictObject({
  tenant_id: z.uuid(),
  pattern: signaturePattern,
  /** The signature being edited, so its own matches today are not counted as another's. */
  signature_id: z.uuid().optional(),
});
export type PreviewRequest = z.infer<typeof previewRequest>;
