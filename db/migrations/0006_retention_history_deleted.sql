-- Retention also removes phase history older than the telemetry it goes with; each run records
-- how many rows it removed.
ALTER TABLE console.retention_runs ADD COLUMN IF NOT EXISTS history_deleted BIGINT NOT NULL DEFAULT 0;
