import 'server-only';
import { invalidateLocally } from '@/lib/cache/lookup-cache';
import { lookupSql, sql } from '@/lib/db';
import type { SignalWrite } from '@/lib/schemas/signal';
import type { SnapshotRow } from '@/lib/signals/map';

const COLUMNS = sql`job_id, tenant_id, run_id, kind, phase, summary, eta_seconds, last_known_outcome, next_actions, diagnostics, payload_json, updated_at`;
// The failure signature that matches a failed job now (an admin may have
// disabled, edited or added signatures since the failure was recorded).
const LIVE_MATCH = sql`case when kind = 'failed' then (
    select jsonb_build_object('signature_id', m.signature_id, 'outcome', m.outcome, 'confidence', m.confidence,
      'expires_at', (select fs.expires_at from scheduler.failure_signatures fs where fs.id = m.signature_id))
    from scheduler.match_failure_signature(tenant_id, phase,
      coalesce(diagnostics->>'error_code', payload_json->>'error_code'),
      coalesce(diagnostics->>'image_reference', payload_json->>'image_reference')) m) end as live_match`;

/** The tenants a reader may see: ids, or every tenant. */
export type TenantScope = readonly string[] | 'all';

function inTenants(tenants: TenantScope) {
  return tenants === 'all' ? sql`true` : sql`tenant_id = any(${[...tenants]}::uuid[])`;
}

export async function getSnapshot(jobId: string): Promise<SnapshotRow | null> {
  const [row] = await sql<
    SnapshotRow[]
  >`select ${COLUMNS}, ${LIVE_MATCH} from scheduler.first_signal_snapshots where job_id = ${jobId}`;
  return row ?? null;
}

/** Many jobs at once (lookup batches, the SSE hub's re-reads), on their own connections with a generic plan (lib/db.ts). */
export async function getSnapshots(jobIds: string[]): Promise<SnapshotRow[]> {
  if (jobIds.length === 0) return [];
  return lookupSql<
    SnapshotRow[]
  >`select ${COLUMNS}, ${LIVE_MATCH} from scheduler.first_signal_snapshots where job_id = any(${jobIds}::uuid[])`;
}

/**
 * A job whose snapshot is gone (retention drops terminal snapshots after 24 h)
 * but that reported telemetry: its last known state, computed from events.
 */
export async function coldStartSnapshot(jobId: string, tenants: TenantScope): Promise<SnapshotRow | null> {
  const [row] = await sql<SnapshotRow[]>`
    select job_id, tenant_id, run_id, coalesce(kind, 'unavailable') as kind, coalesce(phase, 'unknown') as phase,
      'No live snapshot; last state known from telemetry' as summary, null::int as eta_seconds,
      null::jsonb as last_known_outcome, '[]'::jsonb as next_actions,
      jsonb_build_object('source', 'ttfs_events', 'last_event_type', event_type) as diagnostics, '{}'::jsonb as payload_json,
      ts as updated_at
    from scheduler.ttfs_events where job_id = ${jobId} and ${inTenants(tenants)}
    order by ts desc limit 1`;
  return row ?? null;
}

/**
 * The run's most relevant job: its first failed job, else the most recently
 * updated. Only jobs of the run's own tenant count, and only when `tenantId` owns
 * the run (scheduler.runs): a snapshot of another tenant naming the run is never its member.
 */
export async function getRunSnapshot(runId: string, tenantId: string): Promise<SnapshotRow | null> {
  const [row] = await sql<SnapshotRow[]>`
    select ${COLUMNS}, ${LIVE_MATCH} from scheduler.first_signal_snapshots
    where run_id = ${runId} and tenant_id = ${tenantId}
      and exists (select 1 from scheduler.runs r where r.id = ${runId} and r.tenant_id = ${tenantId})
    order by (kind = 'failed') desc,
      case when kind = 'failed' then updated_at end asc,
      updated_at desc
    limit 1`;
  return row ?? null;
}

/** The run's tenant; with `tenantId`, null unless the run is that tenant's. */
export async function runTenant(runId: string, tenantId?: string): Promise<string | null> {
  const [row] = await sql<{ tenant_id: string }[]>`
    select tenant_id from scheduler.runs where id = ${runId}
      ${tenantId ? sql`and tenant_id = ${tenantId}` : sql``}`;
  return row?.tenant_id ?? null;
}

/** Writes through the schema's function, which also NOTIFYs ttfs_signal_update. */
export async function upsertSnapshot(jobId: string, input: SignalWrite): Promise<SnapshotRow> {
  const [row] = await sql<SnapshotRow[]>`
    select ${COLUMNS}, ${LIVE_MATCH} from scheduler.upsert_first_signal_snapshot(
      ${jobId}, ${input.tenant_id}, ${input.run_id ?? null}, ${input.kind}, ${input.phase}, ${input.summary},
      ${input.eta_seconds ?? null}, ${input.last_known_outcome ? sql.json(input.last_known_outcome as never) : null},
      ${input.next_actions ? sql.json(input.next_actions as never) : null}, ${sql.json(input.diagnostics as never)})`;
  // Read-your-writes on this instance; others drop it on the trigger's NOTIFY.
  invalidateLocally({ jobs: [jobId] });
  return row!;
}

export interface JobEvent {
  ts: Date;
  surface: string;
  eventType: string;
  ttfsMs: number;
  cacheHit: boolean;
  signalSource: string | null;
  errorCode: string | null;
}

/** The job's events within its own tenant (another tenant may report the same job id). */
export async function jobEvents(jobId: string, tenantId: string, limit = 50): Promise<JobEvent[]> {
  return sql<JobEvent[]>`
    select ts, surface, event_type as "eventType", ttfs_ms as "ttfsMs", cache_hit as "cacheHit",
      signal_source as "signalSource", error_code as "errorCode"
    from scheduler.ttfs_events where job_id = ${jobId} and tenant_id = ${tenantId}
    order by ts desc limit ${limit}`;
}

/** Which of these session and token hashes still stand for a signed-in person or an unrevoked token. */
export async function validCredentials(sessionHashes: string[], tokenHashes: string[]): Promise<Set<string>> {
  const rows = await sql<{ hash: string }[]>`
    select s.id_hash as hash from console.sessions s join console.users u on u.id = s.user_id
    where s.id_hash = any(${sessionHashes}::text[]) and s.expires_at > now() and u.disabled_at is null
    union all
    select token_hash from console.api_tokens
    where token_hash = any(${tokenHashes}::text[]) and revoked_at is null`;
  return new Set(rows.map((r) => r.hash));
}
