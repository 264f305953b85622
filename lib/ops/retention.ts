// Retention, as the schema recommends it: scheduled jobs, not triggers.
// Used by the in-process scheduler (instrumentation.ts) and `npm run retention`.
import type { Sql } from 'postgres';
import { eventRetentionDays } from '@/lib/schemas/telemetry';

export interface RetentionPolicy {
  eventsDays: number;
  snapshotHours: number;
  signatureDays: number;
  signatureMinConfidence: number;
  batchSize: number;
}

export function policyFromEnv(env: Record<string, string | undefined> = process.env): RetentionPolicy {
  return {
    eventsDays: eventRetentionDays(env),
    snapshotHours: Number(env.TTFS_RETENTION_SNAPSHOT_HOURS ?? 24),
    signatureDays: Number(env.TTFS_RETENTION_SIGNATURE_DAYS ?? 30),
    signatureMinConfidence: Number(env.TTFS_RETENTION_SIGNATURE_MIN_CONFIDENCE ?? 0.3),
    batchSize: Number(env.TTFS_RETENTION_BATCH ?? 10_000),
  };
}

export interface RetentionResult {
  ran: boolean;
  eventsDeleted: number;
  rollupCellsDeleted: number;
  snapshotsDeleted: number;
  signaturesDisabled: number;
  historyDeleted: number;
}

/** A result with every count at 0: a run refused by the lock, or one about to start counting. */
function nothingRemoved(ran: boolean): RetentionResult {
  return {
    ran,
    eventsDeleted: 0,
    rollupCellsDeleted: 0,
    snapshotsDeleted: 0,
    signaturesDisabled: 0,
    historyDeleted: 0,
  };
}

// Only one instance runs retention at a time ("ttfr" in ASCII).
const LOCK_KEY = 0x74746672;

/**
 * Deletes telemetry older than the retention period in small batches (each its
 * own short transaction, so ingest is never blocked for long), prunes the
 * rollups of those hours, deletes terminal snapshots not updated for a day, and
 * disables low-confidence signatures left untouched, auditing each.
 */
export async function runRetention(
  sql: Sql,
  policy: RetentionPolicy,
  trigger: 'schedule' | 'manual',
  now = new Date(),
): Promise<RetentionResult> {
  const reserved = await sql.reserve();
  try {
    const [lock] = await reserved<[{ ok: boolean }]>`select pg_try_advisory_lock(${LOCK_KEY}) as ok`;
    if (!lock.ok) return nothingRemoved(false);
    const [run] = await sql<
      [{ id: string }]
    >`insert into console.retention_runs (trigger) values (${trigger}) returning id`;
    const result = nothingRemoved(true);
    try {
      const eventCutoff = new Date(now.getTime() - policy.eventsDays * 86400_000);
      for (;;) {
        const deleted = await sql`
          delete from scheduler.ttfs_events where id in (
            select id from scheduler.ttfs_events where ts < ${eventCutoff} limit ${policy.batchSize})`;
        result.eventsDeleted += deleted.count;
        if (deleted.count < policy.batchSize) break;
      }
      const [pruned] = await sql<
        [{ n: number }]
      >`select scheduler.ttfs_prune_rollups(${eventCutoff})::int as n`;
      result.rollupCellsDeleted = pruned.n;

      const snapshotCutoff = new Date(now.getTime() - policy.snapshotHours * 3600_000);
      const snapshots = await sql`
        delete from scheduler.first_signal_snapshots
        where updated_at < ${snapshotCutoff} and kind in ('succeeded', 'failed', 'canceled')`;
      result.snapshotsDeleted = snapshots.count;
      // Caches drop them on NOTIFY: from a trigger on one server, from here on Citus.
      if (snapshots.count > 0) await sql`select scheduler.ttfs_notify_cache('{"jobs":"all"}')`;

      // Phase history is kept as long as telemetry: the job page of a job whose
      // snapshot is gone still shows it, and signature previews read 7 days of it.
      for (;;) {
        const deleted = await sql`
          delete from scheduler.first_signal_phase_history where (tenant_id, job_id, id) in (
            select tenant_id, job_id, id from scheduler.first_signal_phase_history where at < ${eventCutoff} limit ${policy.batchSize})`;
        result.historyDeleted += deleted.count;
        if (deleted.count < policy.batchSize) break;
      }

      const signatureCutoff = new Date(now.getTime() - policy.signatureDays * 86400_000);
      const disabled = await sql.begin(async (tx) => {
        const rows = await tx<{ id: string; tenant_id: string; confidence: number }[]>`
          update scheduler.failure_signatures set enabled = false
          where enabled and confidence < ${policy.signatureMinConfidence} and updated_at < ${signatureCutoff}
          returning id, tenant_id, confidence::float8 as confidence`;
        for (const row of rows) {
          await tx`insert into console.signature_audit (tenant_id, signature_id, actor_id, actor_name, action, reason, before, after)
            values (${row.tenant_id}, ${row.id}, 'retention', 'Retention job', 'retention_disable',
              ${`confidence ${row.confidence} < ${policy.signatureMinConfidence} and not updated for ${policy.signatureDays} days`},
              ${tx.json({ enabled: true })}, ${tx.json({ enabled: false })})`;
        }
        if (rows.length > 0) await tx`select scheduler.ttfs_notify_cache('{"failed":"all"}')`;
        return rows.length;
      });
      result.signaturesDisabled = disabled;
      await sql`update console.retention_runs set finished_at = now(), events_deleted = ${result.eventsDeleted},
        rollup_cells_deleted = ${result.rollupCellsDeleted}, snapshots_deleted = ${result.snapshotsDeleted},
        signatures_disabled = ${result.signaturesDisabled}, history_deleted = ${result.historyDeleted} where id = ${run.id}`;
      return result;
    } catch (error) {
      await sql`update console.retention_runs set finished_at = now(), error = ${(error as Error).message} where id = ${run.id}`;
      throw error;
    }
  } finally {
    await reserved`select pg_advisory_unlock(${LOCK_KEY})`.catch(() => {});
    reserved.release();
  }
}
