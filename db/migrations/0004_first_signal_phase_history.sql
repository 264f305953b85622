-- Phase history of every job. first_signal_snapshots keeps only a job's current kind and phase;
-- the job page shows when each phase began and the signature editor previews the failures of the
-- last 7 days, so every change of kind or phase is kept here. Written by
-- scheduler.upsert_first_signal_snapshot (db/functions/40_signals.sql), the write path of the
-- API, the scheduler and the demo simulator. Tenant-scoped (tenant_id leads the key): on Citus it
-- is distributed by tenant_id beside the snapshots (db/functions/90_engine.sql).
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
