-- 0060: invalidation messages for the app's in-memory lookup caches (job
-- signals and API tokens, lib/cache/lookup-cache.ts). Every app instance keeps
-- such caches only while its LISTEN connection is up, and drops what these
-- messages name, so a change through ANY write path (the scheduler's upsert
-- function, plain SQL, retention deletes, TRUNCATE, token revocation) reaches
-- every instance within the NOTIFY delivery time. Channel `ttfs_cache_invalidate`,
-- payload JSON: {"jobs":[ids]} | {"jobs":"all"} | {"failed":"all"} |
-- {"tokens":"all"}. The schema's own channel `ttfs_signal_update` is left
-- exactly as it is.

-- Changed or deleted snapshots, one message per statement: their ids when few
-- (NOTIFY payloads are capped at 8,000 bytes), else "all".
CREATE OR REPLACE FUNCTION scheduler.ttfs_snapshot_cache_notify() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  ids JSONB;
  n INT;
BEGIN
  SELECT count(*), jsonb_agg(DISTINCT job_id) INTO n, ids
  FROM (SELECT job_id FROM old_rows LIMIT 101) r;
  IF n = 0 THEN RETURN NULL; END IF;
  IF n > 100 THEN
    PERFORM pg_notify('ttfs_cache_invalidate', '{"jobs":"all"}');
  ELSE
    PERFORM pg_notify('ttfs_cache_invalidate', jsonb_build_object('jobs', ids)::text);
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS ttfs_snapshot_cache_update ON scheduler.first_signal_snapshots;
CREATE TRIGGER ttfs_snapshot_cache_update
  AFTER UPDATE ON scheduler.first_signal_snapshots
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_snapshot_cache_notify();

DROP TRIGGER IF EXISTS ttfs_snapshot_cache_delete ON scheduler.first_signal_snapshots;
CREATE TRIGGER ttfs_snapshot_cache_delete
  AFTER DELETE ON scheduler.first_signal_snapshots
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_snapshot_cache_notify();

-- A whole class of entries at once, named by the trigger's argument.
CREATE OR REPLACE FUNCTION scheduler.ttfs_cache_notify_all() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ttfs_cache_invalidate', TG_ARGV[0]);
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS ttfs_snapshot_cache_truncate ON scheduler.first_signal_snapshots;
CREATE TRIGGER ttfs_snapshot_cache_truncate
  AFTER TRUNCATE ON scheduler.first_signal_snapshots
  FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"jobs":"all"}');

-- Failure signatures decide the prediction shown on every failed job (the match
-- is made at read time): any change of them drops the cached failed jobs.
DROP TRIGGER IF EXISTS failure_signature_cache_change ON scheduler.failure_signatures;
CREATE TRIGGER failure_signature_cache_change
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON scheduler.failure_signatures
  FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"failed":"all"}');

-- Tokens: what decides who a token is (revocation, scopes, tenant, hash), or
-- its removal. Not last_used_at, which changes every 30 s while a token is used.
DROP TRIGGER IF EXISTS api_token_cache_change ON console.api_tokens;
CREATE TRIGGER api_token_cache_change
  AFTER UPDATE OF revoked_at, scopes, tenant_id, token_hash OR DELETE OR TRUNCATE ON console.api_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_cache_notify_all('{"tokens":"all"}');
