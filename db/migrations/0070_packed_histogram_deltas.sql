-- 0070: histogram deltas packed, one row per hour x tenant x surface x cache
-- state of each inserting statement, holding its buckets and counts as arrays.
--
-- Why: the insert trigger wrote one delta row per occupied histogram bucket,
-- about 0.7 rows per ingested event for a 500-event batch (latencies spread over
-- a few hundred 2 % buckets), and the fold moved each of them again: ~6 us of
-- PostgreSQL CPU per event, a fifth of its ingest cost. Packed, a batch of one
-- tenant in one hour writes at most 6 rows (3 surfaces x 2 cache states).
--
-- What stays: `scheduler.ttfs_rollup_buckets_delta` keeps its name and columns
-- (hour, tenant_id, surface, cache_hit, bucket, n) as a view that unpacks the
-- arrays, so every reader (views, window reads, percentile functions) is
-- unchanged and the filters on hour, tenant, surface and cache state still
-- apply before anything is unpacked. Writers change: the insert trigger, the
-- staging of a rebuild, the fold and the truncate trigger.

CREATE TABLE scheduler.ttfs_rollup_histogram_delta (
  hour      TIMESTAMPTZ NOT NULL,
  tenant_id UUID        NOT NULL,
  surface   TEXT        NOT NULL,
  cache_hit BOOLEAN     NOT NULL,
  buckets   INT[]       NOT NULL,
  counts    BIGINT[]    NOT NULL,
  CHECK (cardinality(buckets) = cardinality(counts))
);
-- Emptied by every fold, like the cells delta (0006).
ALTER TABLE scheduler.ttfs_rollup_histogram_delta SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_vacuum_cost_delay = 0);

-- Pending deltas move over as they are; nothing is folded or lost here.
INSERT INTO scheduler.ttfs_rollup_histogram_delta
SELECT hour, tenant_id, surface, cache_hit, array_agg(bucket ORDER BY bucket), array_agg(n ORDER BY bucket)
FROM scheduler.ttfs_rollup_buckets_delta GROUP BY 1, 2, 3, 4;
DROP TABLE scheduler.ttfs_rollup_buckets_delta;

CREATE VIEW scheduler.ttfs_rollup_buckets_delta AS
SELECT d.hour, d.tenant_id, d.surface, d.cache_hit, u.bucket, u.n
FROM scheduler.ttfs_rollup_histogram_delta d CROSS JOIN LATERAL unnest(d.buckets, d.counts) AS u(bucket, n);

-- One statement's rows, packed: per cell, its occupied buckets in order.
CREATE OR REPLACE FUNCTION scheduler.ttfs_events_rollup_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
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

  INSERT INTO scheduler.ttfs_rollup_histogram_delta
  SELECT hour, tenant_id, surface, cache_hit, array_agg(bucket ORDER BY bucket), array_agg(n ORDER BY bucket)
  FROM (
    SELECT date_trunc('hour', ts) AS hour, tenant_id, surface, cache_hit, scheduler.ttfs_bucket(ttfs_ms) AS bucket, count(*) AS n
    FROM new_rows
    WHERE event_type <> 'signal.start'
    GROUP BY 1, 2, 3, 4, 5
  ) b
  GROUP BY 1, 2, 3, 4;
  RETURN NULL;
END $$;

-- Rebuild and backfill stage raw rows the same way.
CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_stage_events(p_from TIMESTAMPTZ, p_to TIMESTAMPTZ) RETURNS void LANGUAGE sql AS $$
  INSERT INTO scheduler.ttfs_rollup_cells_delta
  SELECT date_trunc('hour', ts), tenant_id, surface, cache_hit, count(*),
    count(*) FILTER (WHERE event_type = 'signal.start'), count(*) FILTER (WHERE event_type = 'signal.rendered'),
    count(*) FILTER (WHERE event_type = 'signal.timeout'), count(*) FILTER (WHERE event_type = 'signal.error'),
    count(*) FILTER (WHERE event_type <> 'signal.start'), coalesce(sum(ttfs_ms) FILTER (WHERE event_type <> 'signal.start'), 0),
    min(ttfs_ms) FILTER (WHERE event_type <> 'signal.start'), max(ttfs_ms) FILTER (WHERE event_type <> 'signal.start'),
    count(*) FILTER (WHERE event_type <> 'signal.start' AND ttfs_ms > 2000), count(*) FILTER (WHERE event_type <> 'signal.start' AND ttfs_ms > 5000),
    count(*) FILTER (WHERE event_type = 'signal.rendered' AND ttfs_ms > 2000), count(*) FILTER (WHERE event_type = 'signal.rendered' AND ttfs_ms > 5000)
  FROM scheduler.ttfs_events WHERE ts >= p_from AND ts < p_to GROUP BY 1, 2, 3, 4;
  INSERT INTO scheduler.ttfs_rollup_histogram_delta
  SELECT hour, tenant_id, surface, cache_hit, array_agg(bucket ORDER BY bucket), array_agg(n ORDER BY bucket)
  FROM (
    SELECT date_trunc('hour', ts) AS hour, tenant_id, surface, cache_hit, scheduler.ttfs_bucket(ttfs_ms) AS bucket, count(*) AS n
    FROM scheduler.ttfs_events WHERE ts >= p_from AND ts < p_to AND event_type <> 'signal.start'
    GROUP BY 1, 2, 3, 4, 5
  ) b
  GROUP BY 1, 2, 3, 4;
$$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_events_truncate_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE scheduler.ttfs_rollup_cells, scheduler.ttfs_rollup_cells_delta,
    scheduler.ttfs_rollup_buckets, scheduler.ttfs_rollup_histogram_delta,
    scheduler.ttfs_summary_hourly, scheduler.ttfs_summary_daily,
    scheduler.ttfs_rollup_cells_daily, scheduler.ttfs_rollup_buckets_daily, scheduler.ttfs_rollup_quantiles;
  RETURN NULL;
END $$;

-- The fold of 0008, unpacking the histogram deltas it moves; otherwise unchanged.
CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_fold() RETURNS BIGINT LANGUAGE plpgsql AS $function$
DECLARE
  moved_cells BIGINT;
  hourly_keys JSONB;
  daily_keys JSONB;
  c_tenants UUID[];
  c_hours TIMESTAMPTZ[];
  b_tenants UUID[];
  b_hours TIMESTAMPTZ[];
  k_tenants UUID[];
  k_ts TIMESTAMPTZ[];
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
  ),
  upserted_daily AS (
    INSERT INTO scheduler.ttfs_rollup_cells_daily AS c
    SELECT date_trunc('day', hour, 'UTC'), tenant_id, surface, cache_hit,
      sum(n_events), sum(n_start), sum(n_rendered), sum(n_timeout), sum(n_error), sum(m_count), sum(m_sum), min(m_min), max(m_max),
      sum(m_over_2000), sum(m_over_5000), sum(r_over_2000), sum(r_over_5000)
    FROM merged GROUP BY 1, 2, 3, 4 ORDER BY 2, 1, 3, 4
    ON CONFLICT (tenant_id, day, surface, cache_hit) DO UPDATE SET
      n_events = c.n_events + excluded.n_events, n_start = c.n_start + excluded.n_start,
      n_rendered = c.n_rendered + excluded.n_rendered, n_timeout = c.n_timeout + excluded.n_timeout,
      n_error = c.n_error + excluded.n_error, m_count = c.m_count + excluded.m_count, m_sum = c.m_sum + excluded.m_sum,
      m_min = least(c.m_min, excluded.m_min), m_max = greatest(c.m_max, excluded.m_max),
      m_over_2000 = c.m_over_2000 + excluded.m_over_2000, m_over_5000 = c.m_over_5000 + excluded.m_over_5000,
      r_over_2000 = c.r_over_2000 + excluded.r_over_2000, r_over_5000 = c.r_over_5000 + excluded.r_over_5000
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM upserted),
    (SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('hour', hour, 'surface', surface, 'cache_hit', cache_hit)), '[]') FROM upserted),
    (SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('day', date_trunc('day', hour), 'tenant_id', tenant_id, 'surface', surface)), '[]') FROM upserted),
    (SELECT array_agg(k.tenant_id ORDER BY k.tenant_id, k.hour) FROM (SELECT DISTINCT tenant_id, hour FROM upserted) k),
    (SELECT array_agg(k.hour ORDER BY k.tenant_id, k.hour) FROM (SELECT DISTINCT tenant_id, hour FROM upserted) k)
  INTO moved_cells, hourly_keys, daily_keys, c_tenants, c_hours;

  WITH moved AS (DELETE FROM scheduler.ttfs_rollup_histogram_delta RETURNING *),
  merged AS (
    SELECT m.hour, m.tenant_id, m.surface, m.cache_hit, u.bucket, sum(u.n)::bigint AS n
    FROM moved m CROSS JOIN LATERAL unnest(m.buckets, m.counts) AS u(bucket, n)
    GROUP BY 1, 2, 3, 4, 5
  ),
  upserted AS (
    INSERT INTO scheduler.ttfs_rollup_buckets AS b
    SELECT * FROM merged ORDER BY tenant_id, hour, surface, cache_hit, bucket
    ON CONFLICT (tenant_id, hour, surface, cache_hit, bucket) DO UPDATE SET n = b.n + excluded.n
    RETURNING 1
  ),
  upserted_daily AS (
    INSERT INTO scheduler.ttfs_rollup_buckets_daily AS b
    SELECT date_trunc('day', hour, 'UTC'), tenant_id, surface, cache_hit, bucket, sum(n)
    FROM merged GROUP BY 1, 2, 3, 4, 5 ORDER BY 2, 1, 3, 4, 5
    ON CONFLICT (tenant_id, day, surface, cache_hit, bucket) DO UPDATE SET n = b.n + excluded.n
    RETURNING 1
  )
  SELECT array_agg(k.tenant_id ORDER BY k.tenant_id, k.hour), array_agg(k.hour ORDER BY k.tenant_id, k.hour) INTO b_tenants, b_hours
  FROM (SELECT DISTINCT tenant_id, hour FROM merged) k;

  IF moved_cells > 0 THEN
    INSERT INTO scheduler.ttfs_summary_hourly AS s
    SELECT * FROM scheduler.ttfs_hourly_quantiles(hourly_keys)
    ON CONFLICT (hour, surface, cache_hit) DO UPDATE SET p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms, p99_ms = excluded.p99_ms;
    INSERT INTO scheduler.ttfs_summary_daily AS s
    SELECT * FROM scheduler.ttfs_daily_quantiles(daily_keys)
    ON CONFLICT (tenant_id, day, surface) DO UPDATE SET p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms;
  END IF;

  -- Percentile summaries are a cache readers can do without: a summary row, when
  -- present, always holds the percentiles of its hour's (or day's) folded
  -- histogram, and readers merge the histograms of any hour or day that has
  -- pending deltas or no summary. So every hour and day this fold changed loses
  -- its summary, and gets a fresh one once it is over: the current hour and day
  -- keep changing under live ingest, computing theirs on every fold would be
  -- wasted work. Hours and days that ended lately without one get it here too.
  -- (A batch committed between the two DELETEs above can have its histogram
  -- moved and its cells not yet: its cells delta keeps the hour pending.)
  IF c_tenants IS NOT NULL OR b_tenants IS NOT NULL THEN
    DELETE FROM scheduler.ttfs_rollup_quantiles q
    USING (SELECT x.tenant_id, 'hour' AS grain, x.t FROM unnest(c_tenants || b_tenants, c_hours || b_hours) AS x(tenant_id, t)
           UNION SELECT x.tenant_id, 'day', date_trunc('day', x.t, 'UTC') FROM unnest(c_tenants || b_tenants, c_hours || b_hours) AS x(tenant_id, t)) k
    WHERE q.tenant_id = k.tenant_id AND q.grain = k.grain AND q.t = k.t;
  END IF;
  SELECT array_agg(k.tenant_id ORDER BY k.tenant_id, k.t), array_agg(k.t ORDER BY k.tenant_id, k.t) INTO k_tenants, k_ts
  FROM (
    SELECT x.tenant_id, x.t FROM unnest(c_tenants || b_tenants, c_hours || b_hours) AS x(tenant_id, t)
    WHERE x.t < date_trunc('hour', now())
    UNION
    SELECT c.tenant_id, c.hour FROM scheduler.ttfs_rollup_cells c
    WHERE c.hour >= date_trunc('hour', now()) - interval '26 hours' AND c.hour < date_trunc('hour', now()) AND c.m_count > 0
      AND NOT EXISTS (SELECT 1 FROM scheduler.ttfs_rollup_quantiles q
        WHERE q.tenant_id = c.tenant_id AND q.grain = 'hour' AND q.t = c.hour AND q.surface = '*' AND q.cache = '*')
  ) k;
  PERFORM scheduler.ttfs_rollup_quantiles_refresh('hour', k_tenants, k_ts);
  SELECT array_agg(k.tenant_id ORDER BY k.tenant_id, k.t), array_agg(k.t ORDER BY k.tenant_id, k.t) INTO k_tenants, k_ts
  FROM (
    SELECT x.tenant_id, date_trunc('day', x.t, 'UTC') AS t FROM unnest(c_tenants || b_tenants, c_hours || b_hours) AS x(tenant_id, t)
    WHERE x.t < date_trunc('day', now(), 'UTC')
    UNION
    SELECT c.tenant_id, c.day FROM scheduler.ttfs_rollup_cells_daily c
    WHERE c.day >= date_trunc('day', now(), 'UTC') - interval '3 days' AND c.day < date_trunc('day', now(), 'UTC') AND c.m_count > 0
      AND NOT EXISTS (SELECT 1 FROM scheduler.ttfs_rollup_quantiles q
        WHERE q.tenant_id = c.tenant_id AND q.grain = 'day' AND q.t = c.day AND q.surface = '*' AND q.cache = '*')
  ) k;
  PERFORM scheduler.ttfs_rollup_quantiles_refresh('day', k_tenants, k_ts);
  RETURN moved_cells;
END $function$;
