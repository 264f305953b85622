import 'server-only';
import { sql } from '@/lib/db';
import type { JobListFilters } from '@/lib/schemas/signal';
import type { SnapshotRow } from '@/lib/signals/map';

// Reads for the jobs list and the job page beyond the signal itself: when a
// job started, the phases it went through, and where its signal was read.

const COLUMNS = sql`s.job_id, s.tenant_id, s.run_id, s.kind, s.phase, s.summary, s.eta_seconds, s.last_known_outcome,
  s.next_actions, s.diagnostics, s.payload_json, s.updated_at`;

/** A row of the jobs list: the snapshot plus its start and the surfaces its signal was read on. */
export interface JobListRow extends SnapshotRow {
  created_at: Date;
  surfaces: string[];
}

/**
 * The jobs list. `q` matches the start of a job or run id (8 characters or
 * more, as the pages show them), the start of an image reference, or an error
 * code (whole, any case).
 */
export async function listJobs(tenantIds: string[], filters: JobListFilters, limit = 100) {
  const q = filters.q?.trim();
  const lower = q?.toLowerCase();
  const idPrefix = lower && /^[0-9a-f-]{8,36}$/.test(lower) ? lower : null;
  const search = q
    ? sql`and (
        ${idPrefix ? sql`s.job_id::text like ${idPrefix + '%'} or s.run_id::text like ${idPrefix + '%'} or` : sql``}
        s.diagnostics->>'image_reference' like ${escapeLike(q) + '%'}
        or s.payload_json->>'image_reference' like ${escapeLike(q) + '%'}
        or upper(s.diagnostics->>'error_code') = ${q.toUpperCase()})`
    : sql``;
  return sql<JobListRow[]>`
    select ${COLUMNS}, s.created_at,
      coalesce((select array_agg(distinct e.surface order by e.surface) from scheduler.ttfs_events e
        where e.job_id = s.job_id and e.tenant_id = s.tenant_id), '{}') as surfaces
    from scheduler.first_signal_snapshots s
    where s.tenant_id = any(${tenantIds}::uuid[])
      ${filters.kind ? sql`and s.kind = ${filters.kind}` : sql``}
      ${filters.phase ? sql`and s.phase = ${filters.phase}` : sql``}
      ${search}
    order by s.updated_at desc
    limit ${limit}`;
}

function escapeLike(value: string) {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function countJobsByKind(tenantIds: string[]): Promise<Record<string, number>> {
  const rows = await sql<{ kind: string; n: number }[]>`
    select kind, count(*)::int as n from scheduler.first_signal_snapshots
    where tenant_id = any(${tenantIds}::uuid[]) group by kind`;
  return Object.fromEntries(rows.map((r) => [r.kind, r.n]));
}

export interface PhaseStep {
  at: Date;
  kind: string;
  phase: string;
  errorCode: string | null;
}

/** Every kind or phase the job went through, oldest first (recorded by upsert_first_signal_snapshot). */
export async function phaseHistory(tenantId: string, jobId: string): Promise<PhaseStep[]> {
  return sql<PhaseStep[]>`
    select at, kind, phase, error_code as "errorCode" from scheduler.first_signal_phase_history
    where tenant_id = ${tenantId} and job_id = ${jobId}
    order by id`;
}
