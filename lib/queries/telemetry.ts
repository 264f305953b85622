import 'server-only';
import { sql } from '@/lib/db';
import type { IngestResult, TtfsEventV1 } from '@/lib/schemas/telemetry';

/**
 * Stores a validated batch in one statement (so one transaction): all of it or
 * none of it. Events carrying an event_id already stored for their tenant are
 * skipped, so a retried batch never counts twice. When this resolves the rows
 * are committed: an acknowledged event is durable.
 *
 * The batch travels as one JSON text parameter in the wire format (keys are the
 * column names, `timestamp` for `ts`) and PostgreSQL expands it with
 * json_to_recordset: no per-event objects or parameters on the Node side.
 *
 * Most batches hold no duplicate, so the statement first runs without ON
 * CONFLICT (speculative insertion costs ~15% of an event's database time);
 * only when the unique key says an event_id is taken does it run again,
 * skipping duplicates. The failed attempt stored nothing (one statement).
 */
export async function insertTtfsEvents(events: TtfsEventV1[]): Promise<IngestResult> {
  const batch = JSON.stringify(events);
  let accepted: number;
  try {
    accepted = await insertBatch(batch, false);
  } catch (error) {
    if ((error as { code?: string; constraint_name?: string }).code !== '23505' || (error as { constraint_name?: string }).constraint_name !== 'ux_ttfs_events_tenant_event') throw error;
    accepted = await insertBatch(batch, true);
  }
  return { accepted, duplicates: events.length - accepted };
}

async function insertBatch(batch: string, skipDuplicates: boolean): Promise<number> {
  const [result] = await sql<[{ accepted: number }]>`
    with inserted as (
      insert into scheduler.ttfs_events (event_id, ts, tenant_id, job_id, run_id, surface, event_type, ttfs_ms, cache_hit,
        signal_source, kind, phase, network_state, device, release, correlation_id, trace_id, span_id, error_code, error_message, metadata)
      select event_id, coalesce("timestamp", now()), tenant_id, job_id, run_id, surface, event_type, ttfs_ms, coalesce(cache_hit, false),
        signal_source, kind, phase, network_state, device, release, correlation_id, trace_id, span_id, error_code, error_message, coalesce(metadata, '{}')
      from json_to_recordset(${batch}::text::json) as r(
        event_id uuid, "timestamp" timestamptz, tenant_id uuid, job_id uuid, run_id uuid, surface text, event_type text, ttfs_ms int,
        cache_hit boolean, signal_source text, kind text, phase text, network_state text, device text, release text,
        correlation_id text, trace_id text, span_id text, error_code text, error_message text, metadata jsonb)
      ${skipDuplicates ? sql`on conflict (tenant_id, event_id) where event_id is not null do nothing` : sql``}
      returning 1
    )
    select count(*)::int as accepted from inserted`;
  return result.accepted;
}

/** Moves pending rollup deltas into the rollups; returns the number of cells touched. */
export async function foldRollups(): Promise<number> {
  const [row] = await sql<[{ moved: number }]>`select scheduler.ttfs_rollup_fold()::int as moved`;
  return row.moved;
}
