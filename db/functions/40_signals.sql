-- The write paths outside callers use: snapshots and telemetry events.
-- Applied with CREATE OR REPLACE whenever this file changes (db/migrate.ts).

CREATE OR REPLACE FUNCTION scheduler.upsert_first_signal_snapshot(p_job_id uuid, p_tenant_id uuid, p_run_id uuid, p_kind text, p_phase text, p_summary text, p_eta_seconds integer DEFAULT NULL::integer, p_last_known_outcome jsonb DEFAULT NULL::jsonb, p_next_actions jsonb DEFAULT NULL::jsonb, p_diagnostics jsonb DEFAULT '{}'::jsonb) RETURNS scheduler.first_signal_snapshots
    LANGUAGE plpgsql
    AS $$
DECLARE
result scheduler.first_signal_snapshots;
last_kind TEXT;
last_phase TEXT;
BEGIN
INSERT INTO scheduler.first_signal_snapshots (
job_id, tenant_id, run_id, kind, phase, summary,
eta_seconds, last_known_outcome, next_actions, diagnostics, updated_at
)
VALUES (
p_job_id, p_tenant_id, p_run_id, p_kind, p_phase, p_summary,
p_eta_seconds, p_last_known_outcome, p_next_actions, p_diagnostics, NOW()
)
ON CONFLICT ON CONSTRAINT first_signal_snapshots_pkey DO UPDATE SET
kind = EXCLUDED.kind,
phase = EXCLUDED.phase,
summary = EXCLUDED.summary,
eta_seconds = EXCLUDED.eta_seconds,
last_known_outcome = COALESCE(EXCLUDED.last_known_outcome, scheduler.first_signal_snapshots.last_known_outcome),
next_actions = EXCLUDED.next_actions,
diagnostics = EXCLUDED.diagnostics,
-- (EXCLUDED, not NOW(): Citus allows only immutable functions in DO UPDATE SET.)
updated_at = EXCLUDED.updated_at
RETURNING * INTO result;

-- A new kind or phase (not the same state written again) starts a history entry. Two statements
-- that each name the tenant, so Citus routes both to the tenant's shard.
SELECT h.kind, h.phase INTO last_kind, last_phase FROM scheduler.first_signal_phase_history h
WHERE h.tenant_id = result.tenant_id AND h.job_id = result.job_id
ORDER BY h.id DESC LIMIT 1;
IF NOT FOUND OR last_kind IS DISTINCT FROM result.kind OR last_phase IS DISTINCT FROM result.phase THEN
  INSERT INTO scheduler.first_signal_phase_history (tenant_id, job_id, at, kind, phase, error_code, image_reference)
  VALUES (result.tenant_id, result.job_id, result.updated_at, result.kind, result.phase,
    coalesce(result.diagnostics->>'error_code', result.payload_json->>'error_code'),
    coalesce(result.diagnostics->>'image_reference', result.payload_json->>'image_reference'));
END IF;

-- Notify listeners for real-time updates (air-gap mode)
PERFORM pg_notify(
'ttfs_signal_update',
json_build_object(
'job_id', p_job_id,
'tenant_id', p_tenant_id,
'kind', p_kind,
'phase', p_phase
)::text
);

-- Lookup caches drop the job, and cached run answers their run (a run's answer depends on every
-- job of it). On Citus sent from here; on one server the snapshot triggers send it for any writer
-- (db/functions/90_engine.sql).
PERFORM scheduler.ttfs_notify_cache(CASE WHEN p_run_id IS NULL
  THEN jsonb_build_object('jobs', jsonb_build_array(p_job_id))
  ELSE jsonb_build_object('jobs', jsonb_build_array(p_job_id), 'runs', jsonb_build_array(p_run_id)) END::text);

RETURN result;
END;
$$;

COMMENT ON FUNCTION scheduler.upsert_first_signal_snapshot(p_job_id uuid, p_tenant_id uuid, p_run_id uuid, p_kind text, p_phase text, p_summary text, p_eta_seconds integer, p_last_known_outcome jsonb, p_next_actions jsonb, p_diagnostics jsonb) IS 'Upsert signal snapshot with NOTIFY for air-gap real-time updates; records kind/phase changes in first_signal_phase_history';

CREATE OR REPLACE FUNCTION scheduler.record_ttfs_event(p_tenant_id uuid, p_job_id uuid, p_surface text, p_event_type text, p_ttfs_ms integer, p_cache_hit boolean DEFAULT false, p_signal_source text DEFAULT NULL::text, p_kind text DEFAULT NULL::text, p_phase text DEFAULT NULL::text, p_run_id uuid DEFAULT NULL::uuid, p_correlation_id text DEFAULT NULL::text, p_error_code text DEFAULT NULL::text, p_metadata jsonb DEFAULT '{}'::jsonb) RETURNS scheduler.ttfs_events
    LANGUAGE plpgsql
    AS $$
DECLARE
result scheduler.ttfs_events;
BEGIN
INSERT INTO scheduler.ttfs_events (
tenant_id, job_id, run_id, surface, event_type, ttfs_ms,
cache_hit, signal_source, kind, phase, correlation_id,
error_code, metadata
)
VALUES (
p_tenant_id, p_job_id, p_run_id, p_surface, p_event_type, p_ttfs_ms,
p_cache_hit, p_signal_source, p_kind, p_phase, p_correlation_id,
p_error_code, p_metadata
)
RETURNING * INTO result;

RETURN result;
END;
$$;

COMMENT ON FUNCTION scheduler.record_ttfs_event(p_tenant_id uuid, p_job_id uuid, p_surface text, p_event_type text, p_ttfs_ms integer, p_cache_hit boolean, p_signal_source text, p_kind text, p_phase text, p_run_id uuid, p_correlation_id text, p_error_code text, p_metadata jsonb) IS 'Record TTFS telemetry event for metrics and SLO analysis';
