import 'server-only';
import { invalidateLocally } from '@/lib/cache/lookup-cache';
import { lookupSql, sql } from '@/lib/db';
import type { SignalWrite } from '@/lib/schemas/signal';
import type { SnapshotRow } from '@/lib/signals/map';

const COLUMNS = sql`job_id, tenant_id, run_id, kind, phase, summary, eta_seconds, last_known_outcome, next_actions, diagnostics, payload_json, updated_at`;
/** `coalesce(diagnostics->>'k', payload_json->>'k')`: the field as text, from either column. */
function field(row: SnapshotRow, key: string): string | null {
  for (const v of [row.diagnostics?.[key], row.payload_json?.[key]]) {
    if (v === undefined || v === null) continue;
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
  return null;
}

/**
 * Adds each failed job's live match: the failure signature that matches it now (an admin may
 * have disabled, edited or added signatures since the failure was recorded). A second query, one
 * per batch and only when a row is failed, so the lookup itself stays a plain read that Citus
 * can route or fan out (docs/scaling.md).
 */
async function withLiveMatch<R extends SnapshotRow>(db: typeof sql, rows: R[]): Promise<R[]> {
  for (const row of rows) row.live_match = null;
  const failed = rows.filter((r) => r.kind === 'failed');
  const matches = await liveFailureMatches(
    db,
    failed.map((r) => ({
      jobId: r.job_id,
      tenantId: r.tenant_id,
      phase: r.phase,
      errorCode: field(r, 'error_code'),
      imageReference: field(r, 'image_reference'),
    })),
  );
  failed.forEach((row, i) => (row.live_match = matches[i] ?? null));
  return rows;
}

/** A failure to match against the signatures as they are now. */
export interface Failure {
  jobId: string;
  tenantId: string;
  phase: string;
  errorCode: string | null;
  imageReference: string | null;
}

/**
 * The signature that matches each failure now, in the order given (null where none does):
 * one call of scheduler.ttfs_live_failure_matches for all of them, none for no failures.
 */
export async function liveFailureMatches(
  db: typeof sql,
  failures: Failure[],
): Promise<SnapshotRow['live_match'][]> {
  if (failures.length === 0) return [];
  const rows = await db<{ live_match: SnapshotRow['live_match'] }[]>`
    select live_match from scheduler.ttfs_live_failure_matches(
      ${failures.map((f) => f.jobId)}::uuid[], ${failures.map((f) => f.tenantId)}::uuid[], ${failures.map((f) => f.phase)}::text[],
      ${failures.map((f) => f.errorCode)}::text[], ${failures.map((f) => f.imageReference)}::text[])`;
  return rows.map((r) => r.live_match);
}

/** The tenants a reader may see: ids, or every tenant. */
export type TenantScope = readonly string[] | 'all';

function inTenants(tenants: TenantScope) {
  return tenants === 'all' ? sql`true` : sql`tenant_id = any(${[...tenants]}::uuid[])`;
}

export async function getSnapshot(jobId: string): Promise<(SnapshotRow & { created_at: Date }) | null> {
  const rows = await sql<
    (SnapshotRow & { created_at: Date })[]
  >`select ${COLUMNS}, created_at from scheduler.first_signal_snapshots where job_id = ${jobId}`;
  const [row] = await withLiveMatch(sql, rows);
  return row ?? null;
}

/** Many jobs at once (lookup batches, the SSE hub's re-reads), on their own connections with a generic plan (lib/db.ts). */
export async function getSnapshots(jobIds: string[]): Promise<SnapshotRow[]> {
  if (jobIds.length === 0) return [];
  const rows = await lookupSql<
    SnapshotRow[]
  >`select ${COLUMNS} from scheduler.first_signal_snapshots where job_id = any(${jobIds}::uuid[])`;
  return withLiveMatch(lookupSql, rows);
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
  const rows = await sql<SnapshotRow[]>`
    select ${COLUMNS} from scheduler.first_signal_snapshots
    where run_id = ${runId} and tenant_id = ${tenantId}
      and exists (select 1 from scheduler.runs r where r.id = ${runId} and r.tenant_id = ${tenantId})
    order by (kind = 'failed') desc,
      case when kind = 'failed' then updated_at end asc,
      updated_at desc
    limit 1`;
  const [row] = await withLiveMatch(sql, rows);
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
  const rows = await sql<SnapshotRow[]>`
    select ${COLUMNS} from scheduler.upsert_first_signal_snapshot(
      ${jobId}, ${input.tenant_id}, ${input.run_id ?? null}, ${input.kind}, ${input.phase}, ${input.summary},
      ${input.eta_seconds ?? null}, ${input.last_known_outcome ? sql.json(input.last_known_outcome as never) : null},
      ${input.next_actions ? sql.json(input.next_actions as never) : null}, ${sql.json(input.diagnostics as never)})`;
  // Read-your-writes on this instance; others drop it on the trigger's NOTIFY.
  invalidateLocally({ jobs: [jobId] });
  const [row] = await withLiveMatch(sql, rows);
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
  // Three reads rather than one UNION: on Citus the token tables are distributed and reference.
  const [sessions, tenantTokens, personalTokens] = await Promise.all([
    sql<{ hash: string }[]>`
      select s.id_hash as hash from console.sessions s join console.users u on u.id = s.user_id
      where s.id_hash = any(${sessionHashes}::text[]) and s.expires_at > now() and u.disabled_at is null`,
    sql<{ hash: string }[]>`
      select token_hash as hash from console.api_tokens
      where token_hash = any(${tokenHashes}::text[]) and revoked_at is null
        and (expires_at is null or expires_at > now())`,
    sql<{ hash: string }[]>`
      select p.token_hash as hash from console.personal_tokens p join console.users u on u.id = p.owner_user_id
      where p.token_hash = any(${tokenHashes}::text[]) and p.revoked_at is null and p.expires_at > now()
        and u.disabled_at is null`,
  ]);
  return new Set([...sessions, ...tenantTokens, ...personalTokens].map((r) => r.hash));
}
