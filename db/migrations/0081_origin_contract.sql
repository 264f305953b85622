-- 0081: new snapshots reach the app instances' caches too. A run's first signal
-- in the platform's shape (lib/cache/run-cache.ts) depends on every job of the
-- run, so a job inserted into a run must make cached run answers stale; 0060
-- only covers updates, deletes and TRUNCATE (a new job id is in no job cache).
-- Payload on `ttfs_cache_invalidate`: {"runs":[ids]} (or "all" past 100 ids);
-- instances drop every cached run answer on any message of that channel.

CREATE OR REPLACE FUNCTION scheduler.ttfs_snapshot_insert_notify() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  ids JSONB;
  n INT;
BEGIN
  SELECT count(*), jsonb_agg(DISTINCT run_id) INTO n, ids
  FROM (SELECT run_id FROM new_rows WHERE run_id IS NOT NULL LIMIT 101) r;
  IF n = 0 THEN RETURN NULL; END IF;
  IF n > 100 THEN
    PERFORM pg_notify('ttfs_cache_invalidate', '{"runs":"all"}');
  ELSE
    PERFORM pg_notify('ttfs_cache_invalidate', jsonb_build_object('runs', ids)::text);
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS ttfs_snapshot_cache_insert ON scheduler.first_signal_snapshots;
CREATE TRIGGER ttfs_snapshot_cache_insert
  AFTER INSERT ON scheduler.first_signal_snapshots
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_snapshot_insert_notify();
