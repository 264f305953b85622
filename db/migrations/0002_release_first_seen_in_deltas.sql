-- The release first-seen rows are now staged with the rollup deltas
-- (scheduler.ttfs_stage_event_deltas, db/functions/10_rollups.sql), so the separate statement
-- trigger and its function go.
DROP TRIGGER IF EXISTS ttfs_events_release ON scheduler.ttfs_events;
DROP FUNCTION IF EXISTS scheduler.ttfs_events_release_trigger();
