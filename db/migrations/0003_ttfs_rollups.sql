-- 0003: pre-aggregated, mergeable TTFS rollups behind the schema's three views.
-- See docs/telemetry.md for the design, the measurements behind it and the
-- semantics. In short:
--   * an AFTER INSERT statement trigger (transition table) appends aggregated
--     deltas for every insert path (API batches, record_ttfs_event, INSERT, COPY);
--     appends never contend, so concurrent batches do not serialise;
--   * scheduler.ttfs_rollup_fold() moves deltas into the rollups exactly once
--     (DELETE ... RETURNING under an advisory lock) and refreshes the percentile
--     summaries of the view cells it touched;
--   * the views read rollups + pending deltas, so they are exact and fresh even
--     before a fold; percentiles come from log-bucket histograms (<= 1% error).

-- ---------------------------------------------------------------------------
-- Idempotency key for ingest. Unique per tenant (Citus: must contain tenant_id).
ALTER TABLE scheduler.ttfs_events ADD COLUMN IF NOT EXISTS event_id UUID NULL;
CREATE UNIQUE INDEX IF NOT EXISTS ux_ttfs_events_tenant_event
  ON scheduler.ttfs_events (tenant_id, event_id) WHERE event_id IS NOT NULL;

-- Indexes: every index costs ingest. Kept: tenant+ts (drill-down into the slowest
-- events of a bucket, per tenant) and job_id (a job's timeline). Dashboards read
-- the rollups, so surface/cache/error indexes over raw rows have no reader left.
-- ts gets a BRIN index instead of a B-tree: retention deletes and unfiltered
-- drill-downs scan by time, and BRIN costs almost nothing on append-mostly data.
DROP INDEX IF EXISTS scheduler.idx_ttfs_events_ts;
DROP INDEX IF EXISTS scheduler.idx_ttfs_events_surface;
DROP INDEX IF EXISTS scheduler.idx_ttfs_events_surface_cache;
DROP INDEX IF EXISTS scheduler.idx_ttfs_events_errors;
CREATE INDEX IF NOT EXISTS brin_ttfs_events_ts ON scheduler.ttfs_events USING BRIN (ts);

-- ---------------------------------------------------------------------------
-- Histogram buckets: exact below 100 ms, then log buckets growing by 2%.
-- A value v in (lo, hi] is represented by 2*lo*hi/(lo+hi), whose relative error
-- is at most (hi-lo)/(hi+lo) = 0.02/2.02 < 1%.
CREATE OR REPLACE FUNCTION scheduler.ttfs_bucket(ms INT) RETURNS INT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ms <= 100 THEN ms ELSE 100 + ceil(ln(ms / 100.0) / ln(1.02))::int END
$$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_bucket_value(b INT) RETURNS FLOAT8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN b <= 100 THEN b::float8
    ELSE 2 * (100 * power(1.02::float8, b - 101)) * (100 * power(1.02::float8, b - 100))
           / ((100 * power(1.02::float8, b - 101)) + (100 * power(1.02::float8, b - 100))) END
$$;

-- percentile_cont's interpolation between the order statistics at floor(p*(n-1))
-- and ceil(p*(n-1)), whose buckets are b_lo and b_hi; clamped to the exact min/max.
CREATE OR REPLACE FUNCTION scheduler.ttfs_quantile(p FLOAT8, total BIGINT, b_lo INT, b_hi INT, min_ms INT, max_ms INT)
RETURNS FLOAT8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN total IS NULL OR total = 0 THEN NULL ELSE
    least(max_ms::float8, greatest(min_ms::float8,
      scheduler.ttfs_bucket_value(b_lo)
      + (p * (total - 1) - floor(p * (total - 1))) * (scheduler.ttfs_bucket_value(b_hi) - scheduler.ttfs_bucket_value(b_lo))))
  END
$$;

-- ---------------------------------------------------------------------------
-- Cells: exact counters per hour x tenant x surface x cache_hit.
-- m_* are over measurement events (every event_type but signal.start);
-- r_* over signal.rendered only (the SLO-breach view's population).
CREATE TABLE IF NOT EXISTS scheduler.ttfs_rollup_cells (
  hour TIMESTAMPTZ NOT NULL,
  tenant_id UUID NOT NULL,
  surface TEXT NOT NULL,
  cache_hit BOOLEAN NOT NULL,
  n_events BIGINT NOT NULL,
  n_start BIGINT NOT NULL,
  n_rendered BIGINT NOT NULL,
  n_timeout BIGINT NOT NULL,
  n_error BIGINT NOT NULL,
  m_count BIGINT NOT NULL,
  m_sum BIGINT NOT NULL,
  m_min INT NULL,
  m_max INT NULL,
  m_over_2000 BIGINT NOT NULL,
  m_over_5000 BIGINT NOT NULL,
  r_over_2000 BIGINT NOT NULL,
  r_over_5000 BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, hour, surface, cache_hit)
);
CREATE INDEX IF NOT EXISTS idx_ttfs_rollup_cells_hour ON scheduler.ttfs_rollup_cells (hour);

CREATE TABLE IF NOT EXISTS scheduler.ttfs_rollup_cells_delta (LIKE scheduler.ttfs_rollup_cells);

-- Histograms of measurement events per cell.
CREATE TABLE IF NOT EXISTS scheduler.ttfs_rollup_buckets (
  hour TIMESTAMPTZ NOT NULL,
  tenant_id UUID NOT NULL,
  surface TEXT NOT NULL,
  cache_hit BOOLEAN NOT NULL,
  bucket INT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, hour, surface, cache_hit, bucket)
);
CREATE INDEX IF NOT EXISTS idx_ttfs_rollup_buckets_hour ON scheduler.ttfs_rollup_buckets (hour, surface, cache_hit);

CREATE TABLE IF NOT EXISTS scheduler.ttfs_rollup_buckets_delta (LIKE scheduler.ttfs_rollup_buckets);

-- Percentiles of the view cells, refreshed by the fold for the cells it touched.
CREATE TABLE IF NOT EXISTS scheduler.ttfs_summary_hourly (
  hour TIMESTAMPTZ NOT NULL,
  surface TEXT NOT NULL,
  cache_hit BOOLEAN NOT NULL,
  p50_ms FLOAT8, p95_ms FLOAT8, p99_ms FLOAT8,
  PRIMARY KEY (hour, surface, cache_hit)
);
CREATE TABLE IF NOT EXISTS scheduler.ttfs_summary_daily (
  day TIMESTAMPTZ NOT NULL,
  tenant_id UUID NOT NULL,
  surface TEXT NOT NULL,
  p50_ms FLOAT8, p95_ms FLOAT8,
  PRIMARY KEY (tenant_id, day, surface)
);

-- ---------------------------------------------------------------------------
-- Insert trigger: one aggregated append per statement, whatever the insert path.
CREATE OR REPLACE FUNCTION scheduler.ttfs_events_rollup_trigger() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO scheduler.ttfs_rollup_cells_delta
  SELECT date_trunc('hour', ts), tenant_id, surface, cache_hit,
    count(*),
    count(*) FILTER (WHERE event_type = 'signal.start'),
    count(*) FILTER (WHERE event_type = 'signal.rendered'),
    count(*) FILTER (WHERE event_type = 'signal.timeout'),
    count(*) FILTER (WHERE event_type = 'signal.error'),
    count(*) FILTER (WHERE event_type <> 'signal.start'),
    coalesce(sum(ttfs_ms) FILTER (WHERE event_type <> 'signal.start'), 0),
    min(ttfs_ms) FILTER (WHERE event_type <> 'signal.start'),
    max(ttfs_ms) FILTER (WHERE event_type <> 'signal.start'),
    count(*) FILTER (WHERE event_type <> 'signal.start' AND ttfs_ms > 2000),
    count(*) FILTER (WHERE event_type <> 'signal.start' AND ttfs_ms > 5000),
    count(*) FILTER (WHERE event_type = 'signal.rendered' AND ttfs_ms > 2000),
    count(*) FILTER (WHERE event_type = 'signal.rendered' AND ttfs_ms > 5000)
  FROM new_rows
  GROUP BY 1, 2, 3, 4;

  INSERT INTO scheduler.ttfs_rollup_buckets_delta
  SELECT date_trunc('hour', ts), tenant_id, surface, cache_hit, scheduler.ttfs_bucket(ttfs_ms), count(*)
  FROM new_rows
  WHERE event_type <> 'signal.start'
  GROUP BY 1, 2, 3, 4, 5;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS ttfs_events_rollup ON scheduler.ttfs_events;
CREATE TRIGGER ttfs_events_rollup
  AFTER INSERT ON scheduler.ttfs_events
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_events_rollup_trigger();

-- TRUNCATE of the raw table empties the rollups with it.
CREATE OR REPLACE FUNCTION scheduler.ttfs_events_truncate_trigger() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE scheduler.ttfs_rollup_cells, scheduler.ttfs_rollup_cells_delta,
    scheduler.ttfs_rollup_buckets, scheduler.ttfs_rollup_buckets_delta,
    scheduler.ttfs_summary_hourly, scheduler.ttfs_summary_daily;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS ttfs_events_rollup_truncate ON scheduler.ttfs_events;
CREATE TRIGGER ttfs_events_rollup_truncate
  AFTER TRUNCATE ON scheduler.ttfs_events
  FOR EACH STATEMENT EXECUTE FUNCTION scheduler.ttfs_events_truncate_trigger();

-- ---------------------------------------------------------------------------
-- Percentiles of every (hour, surface, cache_hit) in p_hours, from the folded
-- histograms plus pending deltas.
CREATE OR REPLACE FUNCTION scheduler.ttfs_hourly_quantiles(p_keys JSONB)
RETURNS TABLE (hour TIMESTAMPTZ, surface TEXT, cache_hit BOOLEAN, p50_ms FLOAT8, p95_ms FLOAT8, p99_ms FLOAT8)
LANGUAGE plpgsql STABLE AS $fn$
#variable_conflict use_column
BEGIN
  -- Views call this for their dirty cells; usually there are none.
  IF p_keys IS NULL OR jsonb_array_length(p_keys) = 0 THEN RETURN; END IF;
  RETURN QUERY
  WITH keys AS (
    SELECT DISTINCT (k->>'hour')::timestamptz AS hour, k->>'surface' AS surface, (k->>'cache_hit')::boolean AS cache_hit
    FROM jsonb_array_elements(p_keys) k
  ),
  b AS (
    SELECT x.hour, x.surface, x.cache_hit, x.bucket, sum(x.n) AS n
    FROM (
      SELECT r.hour, r.surface, r.cache_hit, r.bucket, r.n FROM scheduler.ttfs_rollup_buckets r JOIN keys USING (hour, surface, cache_hit)
      UNION ALL
      SELECT d.hour, d.surface, d.cache_hit, d.bucket, d.n FROM scheduler.ttfs_rollup_buckets_delta d JOIN keys USING (hour, surface, cache_hit)
    ) x GROUP BY 1, 2, 3, 4
  ),
  c AS (
    SELECT b.*, sum(n) OVER (PARTITION BY hour, surface, cache_hit ORDER BY bucket) AS cum,
      sum(n) OVER (PARTITION BY hour, surface, cache_hit) AS total
    FROM b
  ),
  picked AS (
    SELECT hour, surface, cache_hit, max(total)::bigint AS total,
      min(bucket) AS b_min, max(bucket) AS b_max,
      min(bucket) FILTER (WHERE cum > floor(0.50 * (total - 1))) AS l50, min(bucket) FILTER (WHERE cum > ceil(0.50 * (total - 1))) AS h50,
      min(bucket) FILTER (WHERE cum > floor(0.95 * (total - 1))) AS l95, min(bucket) FILTER (WHERE cum > ceil(0.95 * (total - 1))) AS h95,
      min(bucket) FILTER (WHERE cum > floor(0.99 * (total - 1))) AS l99, min(bucket) FILTER (WHERE cum > ceil(0.99 * (total - 1))) AS h99
    FROM c GROUP BY 1, 2, 3
  ),
  bounds AS (
    SELECT x.hour, x.surface, x.cache_hit, min(x.m_min) AS mn, max(x.m_max) AS mx
    FROM (
      SELECT r.hour, r.surface, r.cache_hit, r.m_min, r.m_max FROM scheduler.ttfs_rollup_cells r JOIN keys USING (hour, surface, cache_hit)
      UNION ALL
      SELECT d.hour, d.surface, d.cache_hit, d.m_min, d.m_max FROM scheduler.ttfs_rollup_cells_delta d JOIN keys USING (hour, surface, cache_hit)
    ) x GROUP BY 1, 2, 3
  )
  SELECT p.hour, p.surface, p.cache_hit,
    scheduler.ttfs_quantile(0.50, p.total, p.l50, p.h50, bo.mn, bo.mx),
    scheduler.ttfs_quantile(0.95, p.total, p.l95, p.h95, bo.mn, bo.mx),
    scheduler.ttfs_quantile(0.99, p.total, p.l99, p.h99, bo.mn, bo.mx)
  FROM picked p JOIN bounds bo USING (hour, surface, cache_hit);
END $fn$;

-- Percentiles of every (day, tenant, surface) in p_keys, merging the day's
-- 24 hourly histograms of both cache states (never averaging percentiles).
CREATE OR REPLACE FUNCTION scheduler.ttfs_daily_quantiles(p_keys JSONB)
RETURNS TABLE (day TIMESTAMPTZ, tenant_id UUID, surface TEXT, p50_ms FLOAT8, p95_ms FLOAT8)
LANGUAGE plpgsql STABLE AS $fn$
#variable_conflict use_column
BEGIN
  IF p_keys IS NULL OR jsonb_array_length(p_keys) = 0 THEN RETURN; END IF;
  RETURN QUERY
  WITH keys AS (
    SELECT DISTINCT (k->>'day')::timestamptz AS day, (k->>'tenant_id')::uuid AS tenant_id, k->>'surface' AS surface
    FROM jsonb_array_elements(p_keys) k
  ),
  hours AS (
    SELECT keys.day, keys.tenant_id, keys.surface, h AS hour
    FROM keys, generate_series(keys.day, keys.day + interval '23 hours', interval '1 hour') h
  ),
  b AS (
    SELECT x.day, x.tenant_id, x.surface, x.bucket, sum(x.n) AS n
    FROM (
      SELECT hours.day, r.tenant_id, r.surface, r.bucket, r.n FROM hours
      JOIN scheduler.ttfs_rollup_buckets r ON r.tenant_id = hours.tenant_id AND r.hour = hours.hour AND r.surface = hours.surface
      UNION ALL
      SELECT hours.day, d.tenant_id, d.surface, d.bucket, d.n FROM hours
      JOIN scheduler.ttfs_rollup_buckets_delta d ON d.tenant_id = hours.tenant_id AND d.hour = hours.hour AND d.surface = hours.surface
    ) x GROUP BY 1, 2, 3, 4
  ),
  c AS (
    SELECT b.*, sum(b.n) OVER (PARTITION BY b.day, b.tenant_id, b.surface ORDER BY b.bucket) AS cum,
      sum(b.n) OVER (PARTITION BY b.day, b.tenant_id, b.surface) AS total
    FROM b
  ),
  picked AS (
    SELECT c.day, c.tenant_id, c.surface, max(c.total)::bigint AS total,
      min(c.bucket) FILTER (WHERE c.cum > floor(0.50 * (c.total - 1))) AS l50, min(c.bucket) FILTER (WHERE c.cum > ceil(0.50 * (c.total - 1))) AS h50,
      min(c.bucket) FILTER (WHERE c.cum > floor(0.95 * (c.total - 1))) AS l95, min(c.bucket) FILTER (WHERE c.cum > ceil(0.95 * (c.total - 1))) AS h95
    FROM c GROUP BY 1, 2, 3
  ),
  bounds AS (
    SELECT x.day, x.tenant_id, x.surface, min(x.m_min) AS mn, max(x.m_max) AS mx
    FROM (
      SELECT hours.day, r.tenant_id, r.surface, r.m_min, r.m_max FROM hours
      JOIN scheduler.ttfs_rollup_cells r ON r.tenant_id = hours.tenant_id AND r.hour = hours.hour AND r.surface = hours.surface
      UNION ALL
      SELECT hours.day, d.tenant_id, d.surface, d.m_min, d.m_max FROM hours
      JOIN scheduler.ttfs_rollup_cells_delta d ON d.tenant_id = hours.tenant_id AND d.hour = hours.hour AND d.surface = hours.surface
    ) x GROUP BY 1, 2, 3
  )
  SELECT p.day, p.tenant_id, p.surface,
    scheduler.ttfs_quantile(0.50, p.total, p.l50, p.h50, bo.mn, bo.mx),
    scheduler.ttfs_quantile(0.95, p.total, p.l95, p.h95, bo.mn, bo.mx)
  FROM picked p JOIN bounds bo ON bo.day = p.day AND bo.tenant_id = p.tenant_id AND bo.surface = p.surface;
END $fn$;

-- ---------------------------------------------------------------------------
-- Fold: move pending deltas into the rollups exactly once and refresh the
-- percentile summaries of the cells they touched. Safe to call from any number
-- of app instances (they queue on the advisory lock). Returns the delta rows moved.
CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_fold() RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
  moved_cells BIGINT;
  hourly_keys JSONB;
  daily_keys JSONB;
BEGIN
  PERFORM pg_advisory_xact_lock(7474667301);

  WITH moved AS (DELETE FROM scheduler.ttfs_rollup_cells_delta RETURNING *),
  merged AS (
    SELECT hour, tenant_id, surface, cache_hit,
      sum(n_events) n_events, sum(n_start) n_start, sum(n_rendered) n_rendered, sum(n_timeout) n_timeout, sum(n_error) n_error,
      sum(m_count) m_count, sum(m_sum) m_sum, min(m_min) m_min, max(m_max) m_max,
      sum(m_over_2000) m_over_2000, sum(m_over_5000) m_over_5000, sum(r_over_2000) r_over_2000, sum(r_over_5000) r_over_5000
    FROM moved GROUP BY 1, 2, 3, 4
  ),
  upserted AS (
    INSERT INTO scheduler.ttfs_rollup_cells AS c
    SELECT * FROM merged ORDER BY tenant_id, hour, surface, cache_hit
    ON CONFLICT (tenant_id, hour, surface, cache_hit) DO UPDATE SET
      n_events = c.n_events + excluded.n_events, n_start = c.n_start + excluded.n_start,
      n_rendered = c.n_rendered + excluded.n_rendered, n_timeout = c.n_timeout + excluded.n_timeout,
      n_error = c.n_error + excluded.n_error, m_count = c.m_count + excluded.m_count, m_sum = c.m_sum + excluded.m_sum,
      m_min = least(c.m_min, excluded.m_min), m_max = greatest(c.m_max, excluded.m_max),
      m_over_2000 = c.m_over_2000 + excluded.m_over_2000, m_over_5000 = c.m_over_5000 + excluded.m_over_5000,
      r_over_2000 = c.r_over_2000 + excluded.r_over_2000, r_over_5000 = c.r_over_5000 + excluded.r_over_5000
    RETURNING hour, tenant_id, surface, cache_hit
  )
  SELECT count(*),
    coalesce(jsonb_agg(DISTINCT jsonb_build_object('hour', hour, 'surface', surface, 'cache_hit', cache_hit)), '[]'),
    coalesce(jsonb_agg(DISTINCT jsonb_build_object('day', date_trunc('day', hour), 'tenant_id', tenant_id, 'surface', surface)), '[]')
  INTO moved_cells, hourly_keys, daily_keys
  FROM upserted;

  WITH moved AS (DELETE FROM scheduler.ttfs_rollup_buckets_delta RETURNING *)
  INSERT INTO scheduler.ttfs_rollup_buckets AS b
  SELECT hour, tenant_id, surface, cache_hit, bucket, sum(n) FROM moved
  GROUP BY 1, 2, 3, 4, 5 ORDER BY tenant_id, hour, surface, cache_hit, bucket
  ON CONFLICT (tenant_id, hour, surface, cache_hit, bucket) DO UPDATE SET n = b.n + excluded.n;

  IF moved_cells > 0 THEN
    INSERT INTO scheduler.ttfs_summary_hourly AS s
    SELECT * FROM scheduler.ttfs_hourly_quantiles(hourly_keys)
    ON CONFLICT (hour, surface, cache_hit) DO UPDATE SET p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms, p99_ms = excluded.p99_ms;
    INSERT INTO scheduler.ttfs_summary_daily AS s
    SELECT * FROM scheduler.ttfs_daily_quantiles(daily_keys)
    ON CONFLICT (tenant_id, day, surface) DO UPDATE SET p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms;
  END IF;
  RETURN moved_cells;
END $$;

-- Aggregates raw events of [p_from, p_to) into the delta tables, like the
-- insert trigger does for new rows (used by rebuild and the initial backfill).
CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_stage_events(p_from TIMESTAMPTZ, p_to TIMESTAMPTZ) RETURNS VOID
LANGUAGE sql AS $$
  INSERT INTO scheduler.ttfs_rollup_cells_delta
  SELECT date_trunc('hour', ts), tenant_id, surface, cache_hit, count(*),
    count(*) FILTER (WHERE event_type = 'signal.start'), count(*) FILTER (WHERE event_type = 'signal.rendered'),
    count(*) FILTER (WHERE event_type = 'signal.timeout'), count(*) FILTER (WHERE event_type = 'signal.error'),
    count(*) FILTER (WHERE event_type <> 'signal.start'), coalesce(sum(ttfs_ms) FILTER (WHERE event_type <> 'signal.start'), 0),
    min(ttfs_ms) FILTER (WHERE event_type <> 'signal.start'), max(ttfs_ms) FILTER (WHERE event_type <> 'signal.start'),
    count(*) FILTER (WHERE event_type <> 'signal.start' AND ttfs_ms > 2000), count(*) FILTER (WHERE event_type <> 'signal.start' AND ttfs_ms > 5000),
    count(*) FILTER (WHERE event_type = 'signal.rendered' AND ttfs_ms > 2000), count(*) FILTER (WHERE event_type = 'signal.rendered' AND ttfs_ms > 5000)
  FROM scheduler.ttfs_events WHERE ts >= p_from AND ts < p_to GROUP BY 1, 2, 3, 4;
  INSERT INTO scheduler.ttfs_rollup_buckets_delta
  SELECT date_trunc('hour', ts), tenant_id, surface, cache_hit, scheduler.ttfs_bucket(ttfs_ms), count(*)
  FROM scheduler.ttfs_events WHERE ts >= p_from AND ts < p_to AND event_type <> 'signal.start'
  GROUP BY 1, 2, 3, 4, 5;
$$;

-- Recompute the rollups of [p_from, p_to) from raw events: for repairs after an
-- UPDATE or a DELETE of raw rows, which the rollups do not follow on their own.
CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_rebuild(p_from TIMESTAMPTZ, p_to TIMESTAMPTZ) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM scheduler.ttfs_rollup_fold();
  PERFORM pg_advisory_xact_lock(7474667301);
  DELETE FROM scheduler.ttfs_rollup_cells WHERE hour >= date_trunc('hour', p_from) AND hour < p_to;
  DELETE FROM scheduler.ttfs_rollup_buckets WHERE hour >= date_trunc('hour', p_from) AND hour < p_to;
  DELETE FROM scheduler.ttfs_summary_hourly WHERE hour >= date_trunc('hour', p_from) AND hour < p_to;
  DELETE FROM scheduler.ttfs_summary_daily WHERE day >= date_trunc('day', p_from) AND day < p_to;
  PERFORM scheduler.ttfs_rollup_stage_events(date_trunc('hour', p_from), p_to);
  PERFORM scheduler.ttfs_rollup_fold();
  -- Days only partly inside the window keep hours outside it: recompute their
  -- percentiles from every remaining cell, touched by the fold or not.
  INSERT INTO scheduler.ttfs_summary_daily AS s
  SELECT * FROM scheduler.ttfs_daily_quantiles((
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('day', date_trunc('day', hour), 'tenant_id', tenant_id, 'surface', surface)), '[]')
    FROM scheduler.ttfs_rollup_cells
    WHERE hour >= date_trunc('day', p_from) AND hour < date_trunc('day', p_to) + interval '1 day'))
  ON CONFLICT (tenant_id, day, surface) DO UPDATE SET p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms;
END $$;

-- Drops rollup rows older than p_before (retention of the rollups themselves).
CREATE OR REPLACE FUNCTION scheduler.ttfs_prune_rollups(p_before TIMESTAMPTZ) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE removed BIGINT;
BEGIN
  PERFORM scheduler.ttfs_rollup_fold();
  DELETE FROM scheduler.ttfs_rollup_buckets WHERE hour < date_trunc('hour', p_before);
  DELETE FROM scheduler.ttfs_rollup_cells WHERE hour < date_trunc('hour', p_before);
  GET DIAGNOSTICS removed = ROW_COUNT;
  DELETE FROM scheduler.ttfs_summary_hourly WHERE hour < date_trunc('hour', p_before);
  DELETE FROM scheduler.ttfs_summary_daily WHERE day < date_trunc('day', p_before);
  RETURN removed;
END $$;

-- Existing rows (a database migrated with data in it) enter the rollups once.
SELECT scheduler.ttfs_rollup_stage_events('-infinity', 'infinity');
SELECT scheduler.ttfs_rollup_fold();

-- ---------------------------------------------------------------------------
-- The schema's views, same names, columns and types, now over the rollups.
DROP VIEW IF EXISTS scheduler.ttfs_hourly_summary;
CREATE VIEW scheduler.ttfs_hourly_summary AS
WITH cells AS (
  SELECT hour, surface, cache_hit, m_count, m_sum, m_min, m_max, m_over_2000, m_over_5000
  FROM scheduler.ttfs_rollup_cells WHERE hour >= date_trunc('hour', now() - interval '7 days')
  UNION ALL
  SELECT hour, surface, cache_hit, m_count, m_sum, m_min, m_max, m_over_2000, m_over_5000
  FROM scheduler.ttfs_rollup_cells_delta WHERE hour >= date_trunc('hour', now() - interval '7 days')
),
agg AS (
  SELECT hour, surface, cache_hit, sum(m_count)::bigint AS n, sum(m_sum) AS s, min(m_min) AS mn, max(m_max) AS mx,
    sum(m_over_2000)::bigint AS o2, sum(m_over_5000)::bigint AS o5
  FROM cells GROUP BY 1, 2, 3 HAVING sum(m_count) > 0
),
dirty AS (
  SELECT q.* FROM scheduler.ttfs_hourly_quantiles((
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('hour', hour, 'surface', surface, 'cache_hit', cache_hit)), '[]')
    FROM scheduler.ttfs_rollup_cells_delta WHERE hour >= date_trunc('hour', now() - interval '7 days') AND m_count > 0)) q
)
SELECT a.hour, a.surface, a.cache_hit,
  a.n AS event_count,
  (a.s::numeric / a.n) AS avg_ms,
  coalesce(d.p50_ms, s.p50_ms) AS p50_ms,
  coalesce(d.p95_ms, s.p95_ms) AS p95_ms,
  coalesce(d.p99_ms, s.p99_ms) AS p99_ms,
  a.mn AS min_ms, a.mx AS max_ms,
  a.o2 AS over_p50_slo, a.o5 AS over_p95_slo
FROM agg a
LEFT JOIN dirty d USING (hour, surface, cache_hit)
LEFT JOIN scheduler.ttfs_summary_hourly s USING (hour, surface, cache_hit);

COMMENT ON VIEW scheduler.ttfs_hourly_summary IS 'Hourly rollup of TTFS metrics for dashboard queries (measurement events: every event_type but signal.start; served from histogram rollups, percentiles within 1%)';

DROP VIEW IF EXISTS scheduler.ttfs_daily_summary;
CREATE VIEW scheduler.ttfs_daily_summary AS
WITH cells AS (
  SELECT hour, tenant_id, surface, cache_hit, m_count, m_sum, n_error
  FROM scheduler.ttfs_rollup_cells WHERE hour >= date_trunc('day', now() - interval '90 days')
  UNION ALL
  SELECT hour, tenant_id, surface, cache_hit, m_count, m_sum, n_error
  FROM scheduler.ttfs_rollup_cells_delta WHERE hour >= date_trunc('day', now() - interval '90 days')
),
agg AS (
  SELECT date_trunc('day', hour) AS day, tenant_id, surface, sum(m_count)::bigint AS n, sum(m_sum) AS s,
    sum(m_count) FILTER (WHERE cache_hit) AS hits, sum(n_error)::bigint AS errors
  FROM cells GROUP BY 1, 2, 3 HAVING sum(m_count) > 0
),
dirty AS (
  SELECT q.* FROM scheduler.ttfs_daily_quantiles((
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('day', date_trunc('day', hour), 'tenant_id', tenant_id, 'surface', surface)), '[]')
    FROM scheduler.ttfs_rollup_cells_delta WHERE hour >= date_trunc('day', now() - interval '90 days') AND m_count > 0)) q
)
SELECT a.day, a.tenant_id, a.surface,
  a.n AS event_count,
  (a.s::numeric / a.n) AS avg_ms,
  coalesce(d.p50_ms, s.p50_ms) AS p50_ms,
  coalesce(d.p95_ms, s.p95_ms) AS p95_ms,
  (coalesce(a.hits, 0)::float8 / a.n) AS cache_hit_rate,
  a.errors AS error_count
FROM agg a
LEFT JOIN dirty d USING (day, tenant_id, surface)
LEFT JOIN scheduler.ttfs_summary_daily s USING (day, tenant_id, surface);

COMMENT ON VIEW scheduler.ttfs_daily_summary IS 'Daily rollup of TTFS metrics for long-term trending (measurement events; served from histogram rollups)';

DROP VIEW IF EXISTS scheduler.ttfs_slo_breaches;
CREATE VIEW scheduler.ttfs_slo_breaches AS
WITH cells AS (
  SELECT hour, tenant_id, surface, n_rendered, r_over_2000, r_over_5000
  FROM scheduler.ttfs_rollup_cells WHERE hour >= date_trunc('hour', now() - interval '24 hours')
  UNION ALL
  SELECT hour, tenant_id, surface, n_rendered, r_over_2000, r_over_5000
  FROM scheduler.ttfs_rollup_cells_delta WHERE hour >= date_trunc('hour', now() - interval '24 hours')
)
SELECT hour, tenant_id, surface,
  sum(n_rendered)::bigint AS total_signals,
  sum(r_over_2000)::bigint AS p50_breaches,
  sum(r_over_5000)::bigint AS p95_breaches,
  round(100.0 * (sum(n_rendered) - sum(r_over_2000)) / nullif(sum(n_rendered), 0), 2) AS p50_compliance_pct,
  round(100.0 * (sum(n_rendered) - sum(r_over_5000)) / nullif(sum(n_rendered), 0), 2) AS p95_compliance_pct
FROM cells
GROUP BY hour, tenant_id, surface
HAVING sum(n_rendered) > 0;

COMMENT ON VIEW scheduler.ttfs_slo_breaches IS 'SLO compliance summary for alerting dashboards (signal.rendered events, from rollups)';
