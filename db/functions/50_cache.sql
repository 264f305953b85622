-- Lookup-cache invalidation: NOTIFY ttfs_cache_invalidate when cached rows change.
-- Applied with CREATE OR REPLACE whenever this file changes (db/migrate.ts).

CREATE OR REPLACE FUNCTION scheduler.ttfs_cache_notify_all() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  PERFORM pg_notify('ttfs_cache_invalidate', TG_ARGV[0]);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_snapshot_cache_notify() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

-- A run's first signal in the platform's shape (lib/cache/run-cache.ts) depends on every job of
-- the run, so a job inserted into a run makes cached run answers stale (a new job id is in no job
-- cache). Payload {"runs":[ids]} (or "all" past 100 ids); instances drop every cached run answer
-- on any message of this channel. One server only (an AFTER INSERT statement trigger,
-- db/functions/90_engine.sql); on Citus upsert_first_signal_snapshot sends it.
CREATE OR REPLACE FUNCTION scheduler.ttfs_snapshot_insert_notify() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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
