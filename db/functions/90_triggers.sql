-- Triggers: rollup deltas, release first-seen, failure matching and cache invalidation.
-- Applied with CREATE OR REPLACE whenever this file changes (db/migrate.ts).

CREATE OR REPLACE TRIGGER api_token_cache_change AFTER DELETE OR UPDATE OF revoked_at, scopes, tenant_id, token_hash OR TRUNCATE ON console.api_tokens FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"tokens":"all"}');

CREATE OR REPLACE TRIGGER failure_signature_cache_change AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON scheduler.failure_signatures FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"failed":"all"}');

CREATE OR REPLACE TRIGGER first_signal_failure_count AFTER INSERT OR UPDATE ON scheduler.first_signal_snapshots FOR EACH ROW EXECUTE FUNCTION scheduler.first_signal_failure_count();

CREATE OR REPLACE TRIGGER first_signal_failure_match BEFORE INSERT OR UPDATE ON scheduler.first_signal_snapshots FOR EACH ROW EXECUTE FUNCTION scheduler.first_signal_failure_match();

CREATE OR REPLACE TRIGGER ttfs_events_release AFTER INSERT ON scheduler.ttfs_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_events_release_trigger();

CREATE OR REPLACE TRIGGER ttfs_events_rollup AFTER INSERT ON scheduler.ttfs_events REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_events_rollup_trigger();

CREATE OR REPLACE TRIGGER ttfs_events_rollup_truncate AFTER TRUNCATE ON scheduler.ttfs_events FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_events_truncate_trigger();

CREATE OR REPLACE TRIGGER ttfs_snapshot_cache_delete AFTER DELETE ON scheduler.first_signal_snapshots REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_snapshot_cache_notify();

CREATE OR REPLACE TRIGGER ttfs_snapshot_cache_truncate AFTER TRUNCATE ON scheduler.first_signal_snapshots FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"jobs":"all"}');

CREATE OR REPLACE TRIGGER ttfs_snapshot_cache_update AFTER UPDATE ON scheduler.first_signal_snapshots REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_snapshot_cache_notify();
