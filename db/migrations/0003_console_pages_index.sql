-- A partial index for the console's own page timings.
--
-- Every console page reports when its main content was drawn as a signal.rendered event with
-- surface 'ui' and the page in metadata->'page' (docs/ui.md). The overview shows their p50/p95
-- per page for the last 24 hours beside the platform's numbers. Without an index that read
-- filters every event of the day; with it, only the console's own page views, which are few.
-- Non-matching inserts only evaluate the predicate. On Citus the index is created on every shard.
--
-- Built inside the migration's transaction: on a very large table, build it CONCURRENTLY by hand
-- first under this name (IF NOT EXISTS then skips it).
CREATE INDEX IF NOT EXISTS idx_ttfs_events_console_pages
  ON scheduler.ttfs_events (tenant_id, ts)
  WHERE surface = 'ui' AND event_type = 'signal.rendered' AND metadata ? 'page';
