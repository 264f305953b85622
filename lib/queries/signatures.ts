import 'server-only';
import { sql } from '@/lib/db';

export interface SignatureRow {
  id: string;
  tenantId: string;
  pattern: { phase?: string; error_code?: string; image_pattern?: string };
  outcome: { likely_cause?: string; mttr_p50_seconds?: number; mttr_p95_seconds?: number; suggested_action?: string; remediation_url?: string };
  confidence: number;
  sampleCount: number;
  lastMatchedAt: Date | null;
  enabled: boolean;
  expiresAt: Date | null;
}

export async function listSignatures(tenantIds: string[]): Promise<SignatureRow[]> {
  return sql<SignatureRow[]>`
    select id, tenant_id as "tenantId", pattern, outcome, confidence::float8 as confidence,
      sample_count as "sampleCount", last_matched_at as "lastMatchedAt", enabled, expires_at as "expiresAt"
    from scheduler.failure_signatures
    where tenant_id = any(${tenantIds}::uuid[])
    order by confidence desc, sample_count desc`;
}
