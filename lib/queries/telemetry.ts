import 'server-only';
import { sql } from '@/lib/db';
import type { IngestResult, TtfsEventV1 } from '@/lib/schemas/telemetry';

/**
 * Stores a validated batch in one statement (so one transaction): all of it or
 * none of it. Events carrying an event_id already stored for their tenant are
 * skipped, so a retried batch never counts twice. When this resolves the rows
 * are committed: an acknowledged event is durable.
 */
export async function insertTtfsEvents(events: TtfsEventV1[]): Promise<IngestResult> {
  const rows = events.map((e) => ({
    event_id: e.event_id ?? null,
    ts: e.timestamp ?? null,
    tenant_id: e.tenant_id,
    job_id: e.job_id,
    run_id: e.run_id ?? null,
    surface: e.surface,
    event_type: e.event_type,
    ttfs_ms: e.ttfs_ms,
    cache_hit: e.cache_hit,
    signal_source: e.signal_source ?? null,
    kind: e.kind ?? null,
    phase: e.phase ?? null,
    network_state: e.network_state ?? null,
    device: e.device ?? null,
    release: e.release ?? null,
    correlation_id: e.correlation_id ?? null,
    trace_id: e.trace_id ?? null,
    span_id: e.span_id ?? null,
    error_code: e.error_code ?? null,
    error_message: e.error_message ?? null,
    metadata: e.metadata ?? {},
  }));
  const [result] = await sql<[{ accepted: number }]>`
    with inserted as (
      insert into scheduler.ttfs_events (event_id, ts, tenant_id, job_id, run_id, surface, event_type, ttfs_ms, cache_hit,
        signal_source, kind, phase, network_state, device, release, correlation_id, trace_id, span_id, error_code, error_message, metadata)
      select event_id, coalesce(ts, now()), tenant_id, job_id, run_id, surface, event_type, ttfs_ms, cache_hit,
        signal_source, kind, phase, network_state, device, release, correlation_id, trace_id, span_id, error_code, error_message, metadata
      from jsonb_to_recordset(${sql.json(rows as never)}) as r(
        event_id uuid, ts timestamptz, tenant_id uuid, job_id uuid, run_id uuid, surface text, event_type text, ttfs_ms int,
        cache_hit boolean, signal_source text, kind text, phase text, network_state text, device text, release text,
        correlation_id text, trace_id text, span_id text, error_code text, error_message text, metadata jsonb)
      on conflict (tenant_id, event_id) where event_id is not null do nothing
      returning 1
    )
    select count(*)::int as accepted from inserted`;
  return { accepted: result.accepted, duplicates: events.length - result.accepted };
}

/** Moves pending rollup deltas into the rollups; returns the number of cells touched. */
export async function foldRollups(): Promise<number> {
  const [row] = await sql<[{ moved: number }]>`select scheduler.ttfs_rollup_fold()::int as moved`;
  return row.moved;
}
