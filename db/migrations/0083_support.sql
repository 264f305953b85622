-- 0083: what support engineers and admins need beyond the schema's contract.
--
-- 1. Phase history of every job. first_signal_snapshots keeps only a job's
--    current kind and phase; the job page shows when each phase began and the
--    signature editor previews the failures of the last 7 days, so every change
--    of kind or phase is kept in scheduler.first_signal_phase_history. It is
--    written by scheduler.upsert_first_signal_snapshot (same name, arguments,
--    result and NOTIFY as before), which is the write path of the API, the
--    scheduler and the demo simulator: no trigger on the snapshot table.
--    Tenant-scoped (tenant_id leads the key) so it can be distributed by tenant.
-- 2. API tokens get an expiry, and personal tokens: a token owned by a person
--    (owner_user_id), with the person's tenants at the time of each request and
--    no tenant of its own.

CREATE TABLE IF NOT EXISTS scheduler.first_signal_phase_history (
  tenant_id UUID NOT NULL,
  job_id UUID NOT NULL,
  id BIGSERIAL,
  at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  kind TEXT NOT NULL,
  phase TEXT NOT NULL,
  error_code TEXT NULL,
  image_reference TEXT NULL,
  PRIMARY KEY (tenant_id, job_id, id)
);
CREATE INDEX IF NOT EXISTS idx_first_signal_phase_history_failed
  ON scheduler.first_signal_phase_history (tenant_id, at DESC) WHERE kind = 'failed';
CREATE INDEX IF NOT EXISTS idx_first_signal_phase_history_at
  ON scheduler.first_signal_phase_history (at);

COMMENT ON TABLE scheduler.first_signal_phase_history IS 'Every change of a job''s signal kind or phase, with when it happened (written by upsert_first_signal_snapshot)';

CREATE OR REPLACE FUNCTION scheduler.upsert_first_signal_snapshot(
p_job_id UUID,
p_tenant_id UUID,
p_run_id UUID,
p_kind TEXT,
p_phase TEXT,
p_summary TEXT,
p_eta_seconds INT DEFAULT NULL,
p_last_known_outcome JSONB DEFAULT NULL,
p_next_actions JSONB DEFAULT NULL,
p_diagnostics JSONB DEFAULT '{}'
)
RETURNS scheduler.first_signal_snapshots AS $$
DECLARE
result scheduler.first_signal_snapshots;
BEGIN
INSERT INTO scheduler.first_signal_snapshots (
job_id, tenant_id, run_id, kind, phase, summary,
eta_seconds, last_known_outcome, next_actions, diagnostics
)
VALUES (
p_job_id, p_tenant_id, p_run_id, p_kind, p_phase, p_summary,
p_eta_seconds, p_last_known_outcome, p_next_actions, p_diagnostics
)
ON CONFLICT (job_id) DO UPDATE SET
kind = EXCLUDED.kind,
phase = EXCLUDED.phase,
summary = EXCLUDED.summary,
eta_seconds = EXCLUDED.eta_seconds,
last_known_outcome = COALESCE(EXCLUDED.last_known_outcome, scheduler.first_signal_snapshots.last_known_outcome),
next_actions = EXCLUDED.next_actions,
diagnostics = EXCLUDED.diagnostics,
updated_at = NOW()
RETURNING * INTO result;

-- A new kind or phase (not the same state written again) starts a history entry.
INSERT INTO scheduler.first_signal_phase_history (tenant_id, job_id, at, kind, phase, error_code, image_reference)
SELECT result.tenant_id, result.job_id, result.updated_at, result.kind, result.phase,
  coalesce(result.diagnostics->>'error_code', result.payload_json->>'error_code'),
  coalesce(result.diagnostics->>'image_reference', result.payload_json->>'image_reference')
WHERE NOT EXISTS (
  SELECT 1 FROM (
    SELECT h.kind, h.phase FROM scheduler.first_signal_phase_history h
    WHERE h.tenant_id = result.tenant_id AND h.job_id = result.job_id
    ORDER BY h.id DESC LIMIT 1
  ) last
  WHERE last.kind = result.kind AND last.phase = result.phase
);

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

RETURN result;
END;
$$ LANGUAGE plpgsql;

COMMENT ON FUNCTION scheduler.upsert_first_signal_snapshot IS 'Upsert signal snapshot with NOTIFY for air-gap real-time updates; records kind/phase changes in first_signal_phase_history';

ALTER TABLE console.api_tokens ADD COLUMN IF NOT EXISTS expires_at TIMESTAMPTZ NULL;
ALTER TABLE console.api_tokens
  ADD COLUMN IF NOT EXISTS owner_user_id UUID NULL REFERENCES console.users(id) ON DELETE CASCADE;
ALTER TABLE console.api_tokens ALTER COLUMN tenant_id DROP NOT NULL;
ALTER TABLE console.api_tokens DROP CONSTRAINT IF EXISTS api_tokens_tenant_or_owner;
ALTER TABLE console.api_tokens
  ADD CONSTRAINT api_tokens_tenant_or_owner CHECK ((tenant_id IS NULL) <> (owner_user_id IS NULL));
CREATE INDEX IF NOT EXISTS api_tokens_owner_idx ON console.api_tokens (owner_user_id, created_at DESC)
  WHERE owner_user_id IS NOT NULL;

-- An expiry or owner change decides who a token is, like a revocation.
DROP TRIGGER IF EXISTS api_token_cache_change ON console.api_tokens;
CREATE TRIGGER api_token_cache_change
  AFTER UPDATE OF revoked_at, scopes, tenant_id, token_hash, expires_at, owner_user_id OR DELETE OR TRUNCATE ON console.api_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"tokens":"all"}');

-- 3. Retention also removes phase history older than the telemetry it goes with.
ALTER TABLE console.retention_runs ADD COLUMN IF NOT EXISTS history_deleted BIGINT NOT NULL DEFAULT 0;
