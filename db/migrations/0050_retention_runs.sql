-- 0050: a record of every retention run, shown to admins.
CREATE TABLE IF NOT EXISTS console.retention_runs (
  id BIGSERIAL PRIMARY KEY,
  started_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  finished_at TIMESTAMPTZ NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  events_deleted BIGINT NOT NULL DEFAULT 0,
  rollup_cells_deleted BIGINT NOT NULL DEFAULT 0,
  snapshots_deleted BIGINT NOT NULL DEFAULT 0,
  signatures_disabled BIGINT NOT NULL DEFAULT 0,
  error TEXT NULL
);
CREATE INDEX IF NOT EXISTS idx_retention_runs_started ON console.retention_runs (started_at DESC);
