import 'server-only';
import { sql } from '@/lib/db';

export interface RetentionRun {
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  trigger: string;
  eventsDeleted: number;
  rollupCellsDeleted: number;
  snapshotsDeleted: number;
  signaturesDisabled: number;
  error: string | null;
}

export async function recentRetentionRuns(limit = 30): Promise<RetentionRun[]> {
  return sql<RetentionRun[]>`
    select id, started_at as "startedAt", finished_at as "finishedAt", trigger, events_deleted::int as "eventsDeleted",
      rollup_cells_deleted::int as "rollupCellsDeleted", snapshots_deleted::int as "snapshotsDeleted",
      signatures_disabled::int as "signaturesDisabled", error
    from console.retention_runs order by started_at desc limit ${limit}`;
}
