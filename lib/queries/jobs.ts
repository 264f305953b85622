import 'server-only';
import { sql } from '@/lib/db';

export interface JobRow {
  jobId: string;
  tenantId: string;
  runId: string | null;
  kind: string;
  phase: string;
  summary: string;
  etaSeconds: number | null;
  updatedAt: Date;
}

export async function listRecentJobs(tenantIds: string[], limit = 50): Promise<JobRow[]> {
  return sql<JobRow[]>`
    select job_id as "jobId", tenant_id as "tenantId", run_id as "runId", kind, phase, summary,
      eta_seconds as "etaSeconds", updated_at as "updatedAt"
    from scheduler.first_signal_snapshots
    where tenant_id = any(${tenantIds}::uuid[])
    order by updated_at desc
    limit ${limit}`;
}
