-- 0005: when each release first reported telemetry, per tenant (chart
-- annotations). Maintained by a statement trigger; ON CONFLICT DO NOTHING takes
-- no row lock, so concurrent batches of the same release never queue.
CREATE TABLE IF NOT EXISTS scheduler.ttfs_release_first_seen (
  tenant_id UUID NOT NULL,
  release TEXT NOT NULL,
  first_seen TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (tenant_id, release)
);

CREATE OR REPLACE FUNCTION scheduler.ttfs_events_release_trigger() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO scheduler.ttfs_release_first_seen (tenant_id, release, first_seen)
  SELECT tenant_id, release, min(ts) FROM new_rows WHERE release IS NOT NULL GROUP BY 1, 2
  ON CONFLICT (tenant_id, release) DO NOTHING;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS ttfs_events_release ON scheduler.ttfs_events;
CREATE TRIGGER ttfs_events_release
  AFTER INSERT ON scheduler.ttfs_events
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_events_release_trigger();

INSERT INTO scheduler.ttfs_release_first_seen (tenant_id, release, first_seen)
SELECT tenant_id, release, min(ts) FROM scheduler.ttfs_events WHERE release IS NOT NULL GROUP BY 1, 2
ON CONFLICT DO NOTHING;
