-- 0008: a day grain for the rollups, per-tenant percentile summaries, and window
-- reads that use them. See docs/telemetry.md ("Day grain, percentile summaries and
-- shared reads").
--
-- Why: every overview card merged hour-grain histograms: 7 days x 3 surfaces x
-- 2 cache states x ~300 occupied buckets is ~300k rows per window query, and the
-- page runs several. Now:
--   * ttfs_rollup_cells_daily / ttfs_rollup_buckets_daily hold the same exact
--     counters and histograms per UTC day x tenant x surface x cache_hit. The fold
--     adds each batch of deltas to the hour AND the day grain in one transaction,
--     so both grains always hold the same events; late events land in their hour
--     and their day alike.
--   * ttfs_rollup_quantiles holds p50/p95/p99 of folded tenant-hours and
--     tenant-days, per surface or all surfaces x per cache state or both: what a
--     chart bucket of one tenant shows. It is a cache: the fold drops the
--     summaries of the hours and days it changes and computes them once they are
--     over; readers merge the histograms of buckets with pending deltas or
--     without a summary.
--   * window reads take full UTC days from the day grain, the partial hours at the
--     window's edges and every pending delta from the hour grain. Percentiles are
--     still merged from histograms (or read from a summary computed exactly that
--     way), never averaged; counts stay exact.
-- The insert trigger is unchanged: nothing here adds work per ingested row.

-- The fold must not run between the backfill below and the new fold body.
SELECT pg_advisory_xact_lock(7474667301);

-- ---------------------------------------------------------------------------
-- Day grain. `day` is a UTC midnight; a day holds the hour rows in [day, day + 1 day).
CREATE TABLE IF NOT EXISTS scheduler.ttfs_rollup_cells_daily (
  day TIMESTAMPTZ NOT NULL,
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
  PRIMARY KEY (tenant_id, day, surface, cache_hit)
);
CREATE INDEX IF NOT EXISTS idx_ttfs_rollup_cells_daily_day ON scheduler.ttfs_rollup_cells_daily (day);

CREATE TABLE IF NOT EXISTS scheduler.ttfs_rollup_buckets_daily (
  day TIMESTAMPTZ NOT NULL,
  tenant_id UUID NOT NULL,
  surface TEXT NOT NULL,
  cache_hit BOOLEAN NOT NULL,
  bucket INT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, day, surface, cache_hit, bucket)
);
CREATE INDEX IF NOT EXISTS idx_ttfs_rollup_buckets_daily_day ON scheduler.ttfs_rollup_buckets_daily (day);

-- Percentiles of folded tenant-hours (grain 'hour') and tenant-days (grain 'day',
-- UTC), for every surface ('*': all surfaces) x cache state ('hit', 'cold', '*': both).
CREATE TABLE IF NOT EXISTS scheduler.ttfs_rollup_quantiles (
  tenant_id UUID NOT NULL,
  grain TEXT NOT NULL CHECK (grain IN ('hour', 'day')),
  t TIMESTAMPTZ NOT NULL,
  surface TEXT NOT NULL,
  cache TEXT NOT NULL CHECK (cache IN ('hit', 'cold', '*')),
  p50_ms FLOAT8,
  p95_ms FLOAT8,
  p99_ms FLOAT8,
  PRIMARY KEY (tenant_id, grain, t, surface, cache)
);
CREATE INDEX IF NOT EXISTS idx_ttfs_rollup_quantiles_t ON scheduler.ttfs_rollup_quantiles (grain, t);

-- ---------------------------------------------------------------------------
-- Recomputes the summaries of the given (tenant, hour) or (tenant, day) pairs
-- (p_tenants[i], p_ts[i]) from the folded histograms of that grain.
CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_quantiles_refresh(p_grain TEXT, p_tenants UUID[], p_ts TIMESTAMPTZ[])
RETURNS VOID LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $fn$
BEGIN
  IF p_tenants IS NULL OR cardinality(p_tenants) = 0 THEN RETURN; END IF;
  DELETE FROM scheduler.ttfs_rollup_quantiles q
  USING (SELECT DISTINCT k.tenant_id, k.t FROM unnest(p_tenants, p_ts) AS k(tenant_id, t)) k
  WHERE q.tenant_id = k.tenant_id AND q.grain = p_grain AND q.t = k.t;

  INSERT INTO scheduler.ttfs_rollup_quantiles (tenant_id, grain, t, surface, cache, p50_ms, p95_ms, p99_ms)
  WITH keys AS (
    SELECT DISTINCT k.tenant_id, k.t FROM unnest(p_tenants, p_ts) AS k(tenant_id, t)
  ),
  src AS (
    SELECT r.tenant_id, r.hour AS t, r.surface, r.cache_hit, r.bucket, r.n
    FROM keys JOIN scheduler.ttfs_rollup_buckets r ON r.tenant_id = keys.tenant_id AND r.hour = keys.t
    WHERE p_grain = 'hour'
    UNION ALL
    SELECT r.tenant_id, r.day, r.surface, r.cache_hit, r.bucket, r.n
    FROM keys JOIN scheduler.ttfs_rollup_buckets_daily r ON r.tenant_id = keys.tenant_id AND r.day = keys.t
    WHERE p_grain = 'day'
  ),
  g AS (
    SELECT src.tenant_id, src.t,
      CASE WHEN grouping(src.surface) = 1 THEN '*' ELSE src.surface END AS s,
      CASE WHEN grouping(src.cache_hit) = 1 THEN '*' WHEN src.cache_hit THEN 'hit' ELSE 'cold' END AS k,
      src.bucket AS hb, sum(src.n) AS n
    FROM src
    GROUP BY GROUPING SETS ((src.tenant_id, src.t, src.surface, src.cache_hit, src.bucket), (src.tenant_id, src.t, src.surface, src.bucket),
      (src.tenant_id, src.t, src.cache_hit, src.bucket), (src.tenant_id, src.t, src.bucket))
  ),
  c AS (
    SELECT g.*, sum(g.n) OVER (PARTITION BY g.tenant_id, g.t, g.s, g.k ORDER BY g.hb) AS cum,
      sum(g.n) OVER (PARTITION BY g.tenant_id, g.t, g.s, g.k) AS total
    FROM g
  ),
  picked AS (
    SELECT c.tenant_id, c.t, c.s, c.k, max(c.total)::bigint AS total,
      min(c.hb) FILTER (WHERE c.cum > floor(0.50 * (c.total - 1))) AS l50, min(c.hb) FILTER (WHERE c.cum > ceil(0.50 * (c.total - 1))) AS h50,
      min(c.hb) FILTER (WHERE c.cum > floor(0.95 * (c.total - 1))) AS l95, min(c.hb) FILTER (WHERE c.cum > ceil(0.95 * (c.total - 1))) AS h95,
      min(c.hb) FILTER (WHERE c.cum > floor(0.99 * (c.total - 1))) AS l99, min(c.hb) FILTER (WHERE c.cum > ceil(0.99 * (c.total - 1))) AS h99
    FROM c GROUP BY 1, 2, 3, 4
  ),
  csrc AS (
    SELECT r.tenant_id, r.hour AS t, r.surface, r.cache_hit, r.m_min, r.m_max
    FROM keys JOIN scheduler.ttfs_rollup_cells r ON r.tenant_id = keys.tenant_id AND r.hour = keys.t
    WHERE p_grain = 'hour'
    UNION ALL
    SELECT r.tenant_id, r.day, r.surface, r.cache_hit, r.m_min, r.m_max
    FROM keys JOIN scheduler.ttfs_rollup_cells_daily r ON r.tenant_id = keys.tenant_id AND r.day = keys.t
    WHERE p_grain = 'day'
  ),
  bounds AS (
    SELECT csrc.tenant_id, csrc.t,
      CASE WHEN grouping(csrc.surface) = 1 THEN '*' ELSE csrc.surface END AS s,
      CASE WHEN grouping(csrc.cache_hit) = 1 THEN '*' WHEN csrc.cache_hit THEN 'hit' ELSE 'cold' END AS k,
      min(csrc.m_min) AS mn, max(csrc.m_max) AS mx
    FROM csrc
    GROUP BY GROUPING SETS ((csrc.tenant_id, csrc.t, csrc.surface, csrc.cache_hit), (csrc.tenant_id, csrc.t, csrc.surface),
      (csrc.tenant_id, csrc.t, csrc.cache_hit), (csrc.tenant_id, csrc.t))
  )
  SELECT p.tenant_id, p_grain, p.t, p.s, p.k,
    scheduler.ttfs_quantile(0.50, p.total, p.l50, p.h50, bo.mn, bo.mx),
    scheduler.ttfs_quantile(0.95, p.total, p.l95, p.h95, bo.mn, bo.mx),
    scheduler.ttfs_quantile(0.99, p.total, p.l99, p.h99, bo.mn, bo.mx)
  FROM picked p JOIN bounds bo ON bo.tenant_id = p.tenant_id AND bo.t = p.t AND bo.s = p.s AND bo.k = p.k;
END $fn$;

-- Re-derives the day grain of the UTC days in [p_from_day, p_to_day) from the
-- hour grain, and their summaries (rebuild, retention, backfill).
CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_rederive_days(p_from_day TIMESTAMPTZ, p_to_day TIMESTAMPTZ)
RETURNS VOID LANGUAGE plpgsql AS $fn$
DECLARE
  v_tenants UUID[];
  v_days TIMESTAMPTZ[];
BEGIN
  DELETE FROM scheduler.ttfs_rollup_cells_daily WHERE day >= p_from_day AND day < p_to_day;
  DELETE FROM scheduler.ttfs_rollup_buckets_daily WHERE day >= p_from_day AND day < p_to_day;
  DELETE FROM scheduler.ttfs_rollup_quantiles WHERE grain = 'day' AND t >= p_from_day AND t < p_to_day;
  INSERT INTO scheduler.ttfs_rollup_cells_daily
  SELECT date_trunc('day', hour, 'UTC'), tenant_id, surface, cache_hit,
    sum(n_events), sum(n_start), sum(n_rendered), sum(n_timeout), sum(n_error), sum(m_count), sum(m_sum), min(m_min), max(m_max),
    sum(m_over_2000), sum(m_over_5000), sum(r_over_2000), sum(r_over_5000)
  FROM scheduler.ttfs_rollup_cells WHERE hour >= p_from_day AND hour < p_to_day
  GROUP BY 1, 2, 3, 4 ORDER BY 2, 1, 3, 4;
  INSERT INTO scheduler.ttfs_rollup_buckets_daily
  SELECT date_trunc('day', hour, 'UTC'), tenant_id, surface, cache_hit, bucket, sum(n)
  FROM scheduler.ttfs_rollup_buckets WHERE hour >= p_from_day AND hour < p_to_day
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 2, 1, 3, 4, 5;
  SELECT array_agg(k.tenant_id ORDER BY k.tenant_id, k.day), array_agg(k.day ORDER BY k.tenant_id, k.day) INTO v_tenants, v_days
  FROM (SELECT DISTINCT tenant_id, day FROM scheduler.ttfs_rollup_cells_daily WHERE day >= p_from_day AND day < p_to_day) k;
  PERFORM scheduler.ttfs_rollup_quantiles_refresh('day', v_tenants, v_days);
END $fn$;

-- ---------------------------------------------------------------------------
-- ttfs_hourly_quantiles (0003), same signature and rows: each (hour, surface,
-- cache_hit) key reads its rows through the (hour, surface, cache_hit) index.
-- 0003's join let the planner hash-join the keys against a full scan of the
-- hour-grain histograms, on every fold (~70 ms at 10M events, growing with them).
CREATE OR REPLACE FUNCTION scheduler.ttfs_hourly_quantiles(p_keys JSONB)
RETURNS TABLE (hour TIMESTAMPTZ, surface TEXT, cache_hit BOOLEAN, p50_ms FLOAT8, p95_ms FLOAT8, p99_ms FLOAT8)
LANGUAGE plpgsql STABLE AS $fn$
#variable_conflict use_column
BEGIN
  IF p_keys IS NULL OR jsonb_array_length(p_keys) = 0 THEN RETURN; END IF;
  RETURN QUERY
  WITH keys AS (
    SELECT DISTINCT (k->>'hour')::timestamptz AS hour, k->>'surface' AS surface, (k->>'cache_hit')::boolean AS cache_hit
    FROM jsonb_array_elements(p_keys) k
  ),
  b AS (
    SELECT keys.hour, keys.surface, keys.cache_hit, x.bucket, sum(x.n) AS n
    FROM keys CROSS JOIN LATERAL (
      SELECT r.bucket, r.n FROM scheduler.ttfs_rollup_buckets r
      WHERE r.hour = keys.hour AND r.surface = keys.surface AND r.cache_hit = keys.cache_hit
      UNION ALL
      SELECT d.bucket, d.n FROM scheduler.ttfs_rollup_buckets_delta d
      WHERE d.hour = keys.hour AND d.surface = keys.surface AND d.cache_hit = keys.cache_hit
    ) x GROUP BY 1, 2, 3, 4
  ),
  c AS (
    SELECT b.*, sum(b.n) OVER (PARTITION BY b.hour, b.surface, b.cache_hit ORDER BY b.bucket) AS cum,
      sum(b.n) OVER (PARTITION BY b.hour, b.surface, b.cache_hit) AS total
    FROM b
  ),
  picked AS (
    SELECT c.hour, c.surface, c.cache_hit, max(c.total)::bigint AS total,
      min(c.bucket) AS b_min, max(c.bucket) AS b_max,
      min(c.bucket) FILTER (WHERE c.cum > floor(0.50 * (c.total - 1))) AS l50, min(c.bucket) FILTER (WHERE c.cum > ceil(0.50 * (c.total - 1))) AS h50,
      min(c.bucket) FILTER (WHERE c.cum > floor(0.95 * (c.total - 1))) AS l95, min(c.bucket) FILTER (WHERE c.cum > ceil(0.95 * (c.total - 1))) AS h95,
      min(c.bucket) FILTER (WHERE c.cum > floor(0.99 * (c.total - 1))) AS l99, min(c.bucket) FILTER (WHERE c.cum > ceil(0.99 * (c.total - 1))) AS h99
    FROM c GROUP BY 1, 2, 3
  ),
  bounds AS (
    SELECT keys.hour, keys.surface, keys.cache_hit, min(x.m_min) AS mn, max(x.m_max) AS mx
    FROM keys CROSS JOIN LATERAL (
      SELECT r.m_min, r.m_max FROM scheduler.ttfs_rollup_cells r
      WHERE r.hour = keys.hour AND r.surface = keys.surface AND r.cache_hit = keys.cache_hit
      UNION ALL
      SELECT d.m_min, d.m_max FROM scheduler.ttfs_rollup_cells_delta d
      WHERE d.hour = keys.hour AND d.surface = keys.surface AND d.cache_hit = keys.cache_hit
    ) x GROUP BY 1, 2, 3
  )
  SELECT p.hour, p.surface, p.cache_hit,
    scheduler.ttfs_quantile(0.50, p.total, p.l50, p.h50, bo.mn, bo.mx),
    scheduler.ttfs_quantile(0.95, p.total, p.l95, p.h95, bo.mn, bo.mx),
    scheduler.ttfs_quantile(0.99, p.total, p.l99, p.h99, bo.mn, bo.mx)
  FROM picked p JOIN bounds bo ON bo.hour = p.hour AND bo.surface = p.surface AND bo.cache_hit = p.cache_hit;
END $fn$;

-- ---------------------------------------------------------------------------
-- ttfs_daily_quantiles (0003), same signature and rows: a key's day is a day of
-- the session's time zone. When that day is a UTC day (a UTC midnight, 24 hours
-- long: sessions in UTC, or in a zone at UTC+0 that day), its histogram is one
-- day-grain row per cache state instead of 24 x 2 hour rows; other days merge
-- their hours as before. Pending deltas come from the hour grain either way.
-- The fold calls it for every (day, tenant, surface) it touches.
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
  typed AS (
    SELECT keys.*, (keys.day = date_trunc('day', keys.day, 'UTC')
      AND date_trunc('day', keys.day + interval '1 day') = keys.day + interval '24 hours') AS utc_day
    FROM keys
  ),
  hours AS (
    SELECT typed.day, typed.tenant_id, typed.surface, typed.utc_day, h AS hour
    FROM typed, generate_series(typed.day, typed.day + interval '23 hours', interval '1 hour') h
  ),
  b AS (
    SELECT x.day, x.tenant_id, x.surface, x.bucket, sum(x.n) AS n
    FROM (
      SELECT typed.day, r.tenant_id, r.surface, r.bucket, r.n FROM typed
      JOIN scheduler.ttfs_rollup_buckets_daily r ON r.tenant_id = typed.tenant_id AND r.day = typed.day AND r.surface = typed.surface
      WHERE typed.utc_day
      UNION ALL
      SELECT hours.day, r.tenant_id, r.surface, r.bucket, r.n FROM hours
      JOIN scheduler.ttfs_rollup_buckets r ON r.tenant_id = hours.tenant_id AND r.hour = hours.hour AND r.surface = hours.surface
      WHERE NOT hours.utc_day
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
      SELECT typed.day, r.tenant_id, r.surface, r.m_min, r.m_max FROM typed
      JOIN scheduler.ttfs_rollup_cells_daily r ON r.tenant_id = typed.tenant_id AND r.day = typed.day AND r.surface = typed.surface
      WHERE typed.utc_day
      UNION ALL
      SELECT hours.day, r.tenant_id, r.surface, r.m_min, r.m_max FROM hours
      JOIN scheduler.ttfs_rollup_cells r ON r.tenant_id = hours.tenant_id AND r.hour = hours.hour AND r.surface = hours.surface
      WHERE NOT hours.utc_day
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
-- Fold: as in 0003, plus the day grain (same deltas, same transaction); drops the
-- percentile summaries of the tenant-hours and tenant-days it changes and
-- computes those that are over (see the end of the function).
CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_fold() RETURNS BIGINT
LANGUAGE plpgsql AS $$
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

  WITH moved AS (DELETE FROM scheduler.ttfs_rollup_buckets_delta RETURNING *),
  merged AS (SELECT hour, tenant_id, surface, cache_hit, bucket, sum(n) AS n FROM moved GROUP BY 1, 2, 3, 4, 5),
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
END $$;

-- Rebuild: as in 0003, and the day grain of every UTC day the window touches is
-- re-derived from the hour grain (days partly outside the window keep their
-- other hours); hours left without events lose their summaries.
CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_rebuild(p_from TIMESTAMPTZ, p_to TIMESTAMPTZ) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
  d_from TIMESTAMPTZ := date_trunc('day', date_trunc('hour', p_from), 'UTC');
  d_to TIMESTAMPTZ := date_trunc('day', p_to, 'UTC')
    + CASE WHEN p_to > date_trunc('day', p_to, 'UTC') THEN interval '1 day' ELSE interval '0' END;
BEGIN
  PERFORM scheduler.ttfs_rollup_fold();
  PERFORM pg_advisory_xact_lock(7474667301);
  DELETE FROM scheduler.ttfs_rollup_cells WHERE hour >= date_trunc('hour', p_from) AND hour < p_to;
  DELETE FROM scheduler.ttfs_rollup_buckets WHERE hour >= date_trunc('hour', p_from) AND hour < p_to;
  DELETE FROM scheduler.ttfs_summary_hourly WHERE hour >= date_trunc('hour', p_from) AND hour < p_to;
  DELETE FROM scheduler.ttfs_summary_daily WHERE day >= date_trunc('day', p_from) AND day < p_to;
  DELETE FROM scheduler.ttfs_rollup_quantiles WHERE grain = 'hour' AND t >= date_trunc('hour', p_from) AND t < p_to;
  -- The day grain without the deleted hours; the fold below adds the rebuilt ones.
  PERFORM scheduler.ttfs_rollup_rederive_days(d_from, d_to);
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

-- Retention: as in 0003 for the hour grain; days wholly before the cut-off leave
-- the day grain, and the day holding the cut-off is re-derived from its remaining
-- hours (so is the view's daily percentile summary of that day).
CREATE OR REPLACE FUNCTION scheduler.ttfs_prune_rollups(p_before TIMESTAMPTZ) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
  removed BIGINT;
  cut TIMESTAMPTZ := date_trunc('hour', p_before);
  cut_day TIMESTAMPTZ := date_trunc('day', date_trunc('hour', p_before), 'UTC');
BEGIN
  PERFORM scheduler.ttfs_rollup_fold();
  DELETE FROM scheduler.ttfs_rollup_buckets WHERE hour < cut;
  DELETE FROM scheduler.ttfs_rollup_cells WHERE hour < cut;
  GET DIAGNOSTICS removed = ROW_COUNT;
  DELETE FROM scheduler.ttfs_summary_hourly WHERE hour < cut;
  DELETE FROM scheduler.ttfs_summary_daily WHERE day < date_trunc('day', p_before);
  DELETE FROM scheduler.ttfs_rollup_quantiles WHERE grain = 'hour' AND t < cut;
  DELETE FROM scheduler.ttfs_rollup_buckets_daily WHERE day < cut_day;
  DELETE FROM scheduler.ttfs_rollup_cells_daily WHERE day < cut_day;
  DELETE FROM scheduler.ttfs_rollup_quantiles WHERE grain = 'day' AND t < cut_day;
  IF cut > cut_day THEN
    PERFORM scheduler.ttfs_rollup_rederive_days(cut_day, cut_day + interval '1 day');
  END IF;
  IF cut > date_trunc('day', p_before) THEN
    INSERT INTO scheduler.ttfs_summary_daily AS s
    SELECT * FROM scheduler.ttfs_daily_quantiles((
      SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('day', date_trunc('day', hour), 'tenant_id', tenant_id, 'surface', surface)), '[]')
      FROM scheduler.ttfs_rollup_cells
      WHERE hour >= date_trunc('day', p_before) AND hour < date_trunc('day', p_before) + interval '1 day'))
    ON CONFLICT (tenant_id, day, surface) DO UPDATE SET p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms;
  END IF;
  RETURN removed;
END $$;

-- TRUNCATE of the raw table empties every grain.
CREATE OR REPLACE FUNCTION scheduler.ttfs_events_truncate_trigger() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE scheduler.ttfs_rollup_cells, scheduler.ttfs_rollup_cells_delta,
    scheduler.ttfs_rollup_buckets, scheduler.ttfs_rollup_buckets_delta,
    scheduler.ttfs_summary_hourly, scheduler.ttfs_summary_daily,
    scheduler.ttfs_rollup_cells_daily, scheduler.ttfs_rollup_buckets_daily, scheduler.ttfs_rollup_quantiles;
  RETURN NULL;
END $$;

-- ---------------------------------------------------------------------------
-- How a window splits between the grains. Hour rows of [h_from, h_to) are the
-- window (hour >= date_trunc('hour', p_from) and hour < p_to, as in 0004); the UTC
-- days [d_lo, d_hi) lie wholly inside it and each within one date_bin(p_bucket, ·,
-- p_from) bucket, so their day rows can stand in for their hour rows. When no
-- such run of days exists, d_lo = d_hi = h_from (hour grain only).
CREATE OR REPLACE FUNCTION scheduler.ttfs_window_bounds(p_from TIMESTAMPTZ, p_to TIMESTAMPTZ, p_bucket INTERVAL,
  OUT h_from TIMESTAMPTZ, OUT h_to TIMESTAMPTZ, OUT d_lo TIMESTAMPTZ, OUT d_hi TIMESTAMPTZ)
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
  d TIMESTAMPTZ;
  straddles BOOLEAN := FALSE;
BEGIN
  h_from := date_trunc('hour', p_from);
  h_to := date_trunc('hour', p_to);
  IF h_to < p_to THEN h_to := h_to + interval '1 hour'; END IF;
  d_lo := date_trunc('day', h_from, 'UTC');
  IF d_lo < h_from THEN d_lo := d_lo + interval '1 day'; END IF;
  d_hi := date_trunc('day', h_to, 'UTC');
  IF p_bucket < interval '1 day' OR d_lo >= d_hi THEN
    d_lo := h_from; d_hi := h_from; RETURN;
  END IF;
  -- A day straddles a bucket boundary when its first and last instants bin apart.
  WHILE d_lo < d_hi AND date_bin(p_bucket, d_lo, p_from) <> date_bin(p_bucket, d_lo + interval '1 day' - interval '1 microsecond', p_from) LOOP
    d_lo := d_lo + interval '1 day';
  END LOOP;
  WHILE d_lo < d_hi AND date_bin(p_bucket, d_hi - interval '1 day', p_from) <> date_bin(p_bucket, d_hi - interval '1 microsecond', p_from) LOOP
    d_hi := d_hi - interval '1 day';
  END LOOP;
  d := d_lo;
  WHILE d < d_hi AND NOT straddles LOOP
    straddles := date_bin(p_bucket, d, p_from) <> date_bin(p_bucket, d + interval '1 day' - interval '1 microsecond', p_from);
    d := d + interval '1 day';
  END LOOP;
  IF straddles OR d_lo >= d_hi THEN
    d_lo := h_from; d_hi := h_from;
  END IF;
END $fn$;

-- Cells of a window split as above: day rows of [p_d_lo, p_d_hi), folded hour rows
-- of [p_h_from, p_d_lo) and [p_d_hi, p_h_to), pending hour deltas of [p_h_from, p_h_to).
-- `hour` holds the day for day rows.
CREATE OR REPLACE FUNCTION scheduler.ttfs_window_cell_rows(p_h_from TIMESTAMPTZ, p_h_to TIMESTAMPTZ, p_d_lo TIMESTAMPTZ, p_d_hi TIMESTAMPTZ,
  p_tenants UUID[], p_surfaces TEXT[], p_cache_hit BOOLEAN)
RETURNS SETOF scheduler.ttfs_rollup_cells LANGUAGE sql STABLE AS $$
  SELECT c.* FROM scheduler.ttfs_rollup_cells_daily c
  WHERE c.day >= p_d_lo AND c.day < p_d_hi
    AND (p_tenants IS NULL OR c.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR c.surface = ANY (p_surfaces))
    AND (p_cache_hit IS NULL OR c.cache_hit = p_cache_hit)
  UNION ALL
  SELECT c.* FROM scheduler.ttfs_rollup_cells c
  WHERE c.hour >= p_h_from AND c.hour < p_d_lo
    AND (p_tenants IS NULL OR c.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR c.surface = ANY (p_surfaces))
    AND (p_cache_hit IS NULL OR c.cache_hit = p_cache_hit)
  UNION ALL
  SELECT c.* FROM scheduler.ttfs_rollup_cells c
  WHERE c.hour >= p_d_hi AND c.hour < p_h_to
    AND (p_tenants IS NULL OR c.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR c.surface = ANY (p_surfaces))
    AND (p_cache_hit IS NULL OR c.cache_hit = p_cache_hit)
  UNION ALL
  SELECT c.* FROM scheduler.ttfs_rollup_cells_delta c
  WHERE c.hour >= p_h_from AND c.hour < p_h_to
    AND (p_tenants IS NULL OR c.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR c.surface = ANY (p_surfaces))
    AND (p_cache_hit IS NULL OR c.cache_hit = p_cache_hit)
$$;

-- Histogram rows of a window, split the same way.
CREATE OR REPLACE FUNCTION scheduler.ttfs_window_bucket_rows(p_h_from TIMESTAMPTZ, p_h_to TIMESTAMPTZ, p_d_lo TIMESTAMPTZ, p_d_hi TIMESTAMPTZ,
  p_tenants UUID[], p_surfaces TEXT[], p_cache_hit BOOLEAN)
RETURNS SETOF scheduler.ttfs_rollup_buckets LANGUAGE sql STABLE AS $$
  SELECT h.* FROM scheduler.ttfs_rollup_buckets_daily h
  WHERE h.day >= p_d_lo AND h.day < p_d_hi
    AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
    AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
  UNION ALL
  SELECT h.* FROM scheduler.ttfs_rollup_buckets h
  WHERE h.hour >= p_h_from AND h.hour < p_d_lo
    AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
    AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
  UNION ALL
  SELECT h.* FROM scheduler.ttfs_rollup_buckets h
  WHERE h.hour >= p_d_hi AND h.hour < p_h_to
    AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
    AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
  UNION ALL
  SELECT h.* FROM scheduler.ttfs_rollup_buckets_delta h
  WHERE h.hour >= p_h_from AND h.hour < p_h_to
    AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
    AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
$$;

-- Histogram rows of [p_h_from, p_h_to) as ONE bucket (whole-window reads), with
-- fewer rows: a partial day at an edge is either its hours inside the window or
-- its day row minus its hours outside the window (negative n), whichever reads
-- fewer hours; hours from the current one on hold nothing yet and cost nothing,
-- so "today so far" is one day row. Counts add up exactly (the day row is the
-- sum of its folded hour rows, in the same snapshot); pending deltas come from
-- the hour grain. Callers drop buckets that sum to 0.
CREATE OR REPLACE FUNCTION scheduler.ttfs_whole_window_split(p_h_from TIMESTAMPTZ, p_h_to TIMESTAMPTZ,
  OUT d_lo TIMESTAMPTZ, OUT d_hi TIMESTAMPTZ,
  OUT add1_lo TIMESTAMPTZ, OUT add1_hi TIMESTAMPTZ, OUT sub1_lo TIMESTAMPTZ, OUT sub1_hi TIMESTAMPTZ,
  OUT add2_lo TIMESTAMPTZ, OUT add2_hi TIMESTAMPTZ, OUT sub2_lo TIMESTAMPTZ, OUT sub2_hi TIMESTAMPTZ)
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
  recorded TIMESTAMPTZ := date_trunc('hour', now()) + interval '1 hour';
  first_day TIMESTAMPTZ := date_trunc('day', p_h_from, 'UTC');
  last_day TIMESTAMPTZ := date_trunc('day', p_h_to, 'UTC');
  full_lo TIMESTAMPTZ;
BEGIN
  -- The cost of reading the hours [a, b) is the part of it before `recorded`
  -- (the end of the current hour): greatest(0, least(b, recorded) - a).
  full_lo := CASE WHEN first_day = p_h_from THEN first_day ELSE first_day + interval '1 day' END;
  add1_lo := p_h_from; add1_hi := p_h_from; sub1_lo := p_h_from; sub1_hi := p_h_from;
  add2_lo := p_h_from; add2_hi := p_h_from; sub2_lo := p_h_from; sub2_hi := p_h_from;
  IF p_h_to <= p_h_from THEN
    d_lo := p_h_from; d_hi := p_h_from; RETURN;
  END IF;
  IF full_lo > last_day THEN
    -- Inside one day: its hours, or the day minus both sides.
    IF greatest(interval '0', least(p_h_from, recorded) - first_day) + greatest(interval '0', least(first_day + interval '1 day', recorded) - p_h_to)
       < least(p_h_to, recorded) - p_h_from THEN
      d_lo := first_day; d_hi := first_day + interval '1 day';
      sub1_lo := first_day; sub1_hi := p_h_from; sub2_lo := p_h_to; sub2_hi := first_day + interval '1 day';
    ELSE
      d_lo := p_h_from; d_hi := p_h_from; add1_hi := p_h_to;
    END IF;
    RETURN;
  END IF;
  d_lo := full_lo; d_hi := last_day;
  -- Head: [p_h_from, full_lo) of the day before full_lo.
  IF full_lo > p_h_from THEN
    IF greatest(interval '0', least(p_h_from, recorded) - first_day) < greatest(interval '0', least(full_lo, recorded) - p_h_from) THEN
      d_lo := first_day; sub1_lo := first_day; sub1_hi := p_h_from;
    ELSE
      add1_hi := full_lo;
    END IF;
  END IF;
  -- Tail: [last_day, p_h_to) of the last day.
  IF p_h_to > last_day THEN
    IF greatest(interval '0', least(last_day + interval '1 day', recorded) - p_h_to) < greatest(interval '0', least(p_h_to, recorded) - last_day) THEN
      d_hi := last_day + interval '1 day'; sub2_lo := p_h_to; sub2_hi := last_day + interval '1 day';
    ELSE
      add2_lo := last_day; add2_hi := p_h_to;
    END IF;
  END IF;
END $fn$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_whole_window_bucket_rows(p_h_from TIMESTAMPTZ, p_h_to TIMESTAMPTZ,
  p_tenants UUID[], p_surfaces TEXT[], p_cache_hit BOOLEAN)
RETURNS TABLE (surface TEXT, cache_hit BOOLEAN, bucket INT, n BIGINT) LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $fn$
#variable_conflict use_column
DECLARE
  w RECORD;
BEGIN
  SELECT * INTO w FROM scheduler.ttfs_whole_window_split(p_h_from, p_h_to);
  RETURN QUERY
  SELECT x.surface, x.cache_hit, x.bucket, sum(x.n)::bigint FROM (
    SELECT h.surface, h.cache_hit, h.bucket, h.n FROM scheduler.ttfs_rollup_buckets_daily h
    WHERE h.day >= w.d_lo AND h.day < w.d_hi
      AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
      AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
    -- One branch per hour range (each an index range scan, whatever the statistics say).
    UNION ALL
    SELECT h.surface, h.cache_hit, h.bucket, h.n FROM scheduler.ttfs_rollup_buckets h
    WHERE h.hour >= w.add1_lo AND h.hour < w.add1_hi
      AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
      AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
    UNION ALL
    SELECT h.surface, h.cache_hit, h.bucket, h.n FROM scheduler.ttfs_rollup_buckets h
    WHERE h.hour >= w.add2_lo AND h.hour < w.add2_hi
      AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
      AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
    UNION ALL
    SELECT h.surface, h.cache_hit, h.bucket, -h.n FROM scheduler.ttfs_rollup_buckets h
    WHERE h.hour >= w.sub1_lo AND h.hour < w.sub1_hi
      AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
      AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
    UNION ALL
    SELECT h.surface, h.cache_hit, h.bucket, -h.n FROM scheduler.ttfs_rollup_buckets h
    WHERE h.hour >= w.sub2_lo AND h.hour < w.sub2_hi
      AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
      AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
    UNION ALL
    SELECT h.surface, h.cache_hit, h.bucket, h.n FROM scheduler.ttfs_rollup_buckets_delta h
    WHERE h.hour >= p_h_from AND h.hour < p_h_to
      AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants)) AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
      AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
  ) x
  GROUP BY 1, 2, 3
  HAVING sum(x.n) <> 0;
END $fn$;

-- ---------------------------------------------------------------------------
-- ttfs_window_stats (0004) with histograms merged over the split grains: same
-- arguments, same rows. Plans are made per call with the actual arguments
-- (force_custom_plan), so "p_tenants IS NULL OR ..." folds away and the primary
-- keys are range-scanned.
CREATE OR REPLACE FUNCTION scheduler.ttfs_window_stats_merge(
  p_from TIMESTAMPTZ, p_to TIMESTAMPTZ, p_bucket INTERVAL,
  p_tenants UUID[] DEFAULT NULL, p_surfaces TEXT[] DEFAULT NULL, p_cache_hit BOOLEAN DEFAULT NULL,
  p_split_surface BOOLEAN DEFAULT TRUE)
RETURNS TABLE (bucket TIMESTAMPTZ, surface TEXT, events BIGINT, p50_ms FLOAT8, p95_ms FLOAT8, p99_ms FLOAT8,
  min_ms INT, max_ms INT, over_2000 BIGINT, over_5000 BIGINT, errors BIGINT, timeouts BIGINT, cache_hits BIGINT,
  rendered BIGINT, rendered_over_2000 BIGINT, rendered_over_5000 BIGINT)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $fn$
#variable_conflict use_column
DECLARE
  w RECORD;
BEGIN
  SELECT * INTO w FROM scheduler.ttfs_window_bounds(p_from, p_to, p_bucket);
  RETURN QUERY
  WITH cells AS (
    SELECT date_bin(p_bucket, c.hour, p_from) AS t, CASE WHEN p_split_surface THEN c.surface ELSE 'all' END AS s, c.*
    FROM scheduler.ttfs_window_cell_rows(w.h_from, w.h_to, w.d_lo, w.d_hi, p_tenants, p_surfaces, p_cache_hit) c
  ),
  agg AS (
    SELECT cells.t, cells.s, sum(cells.m_count)::bigint AS n, min(cells.m_min) AS mn, max(cells.m_max) AS mx,
      sum(cells.m_over_2000)::bigint AS o2, sum(cells.m_over_5000)::bigint AS o5, sum(cells.n_error)::bigint AS e, sum(cells.n_timeout)::bigint AS to_,
      coalesce(sum(cells.m_count) FILTER (WHERE cells.cache_hit), 0)::bigint AS hits,
      sum(cells.n_rendered)::bigint AS r, sum(cells.r_over_2000)::bigint AS r2, sum(cells.r_over_5000)::bigint AS r5
    FROM cells GROUP BY 1, 2
  ),
  hist AS (
    SELECT date_bin(p_bucket, h.hour, p_from) AS t, CASE WHEN p_split_surface THEN h.surface ELSE 'all' END AS s, h.bucket AS hb, sum(h.n) AS n
    FROM scheduler.ttfs_window_bucket_rows(w.h_from, w.h_to, w.d_lo, w.d_hi, p_tenants, p_surfaces, p_cache_hit) h
    GROUP BY 1, 2, 3
  ),
  cum AS (
    SELECT hist.*, sum(hist.n) OVER (PARTITION BY hist.t, hist.s ORDER BY hist.hb) AS c, sum(hist.n) OVER (PARTITION BY hist.t, hist.s) AS total FROM hist
  ),
  picked AS (
    SELECT cum.t, cum.s, max(cum.total)::bigint AS total,
      min(cum.hb) FILTER (WHERE cum.c > floor(0.50 * (cum.total - 1))) AS l50, min(cum.hb) FILTER (WHERE cum.c > ceil(0.50 * (cum.total - 1))) AS h50,
      min(cum.hb) FILTER (WHERE cum.c > floor(0.95 * (cum.total - 1))) AS l95, min(cum.hb) FILTER (WHERE cum.c > ceil(0.95 * (cum.total - 1))) AS h95,
      min(cum.hb) FILTER (WHERE cum.c > floor(0.99 * (cum.total - 1))) AS l99, min(cum.hb) FILTER (WHERE cum.c > ceil(0.99 * (cum.total - 1))) AS h99
    FROM cum GROUP BY 1, 2
  )
  SELECT a.t, a.s, a.n,
    scheduler.ttfs_quantile(0.50, p.total, p.l50, p.h50, a.mn, a.mx),
    scheduler.ttfs_quantile(0.95, p.total, p.l95, p.h95, a.mn, a.mx),
    scheduler.ttfs_quantile(0.99, p.total, p.l99, p.h99, a.mn, a.mx),
    a.mn, a.mx, a.o2, a.o5, a.e, a.to_, a.hits, a.r, a.r2, a.r5
  FROM agg a LEFT JOIN picked p ON p.t = a.t AND p.s = a.s
  WHERE a.n > 0 OR a.r > 0
  ORDER BY a.t, a.s;
END $fn$;

-- ttfs_window_stats: same signature and rows as in 0004. When every bucket is one
-- tenant-hour (bucket 1 hour from a whole hour) or one UTC tenant-day (bucket
-- 1 day from a UTC midnight) of a single tenant, percentiles of buckets that have
-- a summary and no pending deltas come from ttfs_rollup_quantiles, counts from
-- the cells; the other buckets (pending deltas, no summary yet such as the
-- current hour, a partial last day) merge histograms as above.
CREATE OR REPLACE FUNCTION scheduler.ttfs_window_stats(
  p_from TIMESTAMPTZ, p_to TIMESTAMPTZ, p_bucket INTERVAL,
  p_tenants UUID[] DEFAULT NULL, p_surfaces TEXT[] DEFAULT NULL, p_cache_hit BOOLEAN DEFAULT NULL,
  p_split_surface BOOLEAN DEFAULT TRUE)
RETURNS TABLE (bucket TIMESTAMPTZ, surface TEXT, events BIGINT, p50_ms FLOAT8, p95_ms FLOAT8, p99_ms FLOAT8,
  min_ms INT, max_ms INT, over_2000 BIGINT, over_5000 BIGINT, errors BIGINT, timeouts BIGINT, cache_hits BIGINT,
  rendered BIGINT, rendered_over_2000 BIGINT, rendered_over_5000 BIGINT)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $fn$
#variable_conflict use_column
DECLARE
  v_grain TEXT;
  v_step INTERVAL;
  v_units_to TIMESTAMPTZ;
  v_tenant UUID;
  v_cache TEXT := CASE WHEN p_cache_hit IS NULL THEN '*' WHEN p_cache_hit THEN 'hit' ELSE 'cold' END;
  w RECORD;
BEGIN
  IF cardinality(p_tenants) = 1 AND (p_surfaces IS NULL OR cardinality(p_surfaces) = 1)
     AND p_from = date_trunc('hour', p_from) AND p_from = date_trunc('hour', p_from, 'UTC') THEN
    IF p_bucket = interval '1 hour' THEN v_grain := 'hour';
    ELSIF p_bucket = interval '1 day' AND p_from = date_trunc('day', p_from, 'UTC') THEN v_grain := 'day';
    END IF;
  END IF;
  IF v_grain IS NULL OR p_to <= p_from THEN
    RETURN QUERY SELECT * FROM scheduler.ttfs_window_stats_merge(p_from, p_to, p_bucket, p_tenants, p_surfaces, p_cache_hit, p_split_surface);
    RETURN;
  END IF;

  v_tenant := p_tenants[1];
  v_step := CASE v_grain WHEN 'hour' THEN interval '1 hour' ELSE interval '1 day' END;
  SELECT * INTO w FROM scheduler.ttfs_window_bounds(p_from, p_to, v_step);
  -- Summary units (whole hours or whole UTC days) inside the window: [p_from, v_units_to).
  v_units_to := greatest(p_from, CASE v_grain WHEN 'hour' THEN w.h_to ELSE w.d_hi END);

  -- One statement, one snapshot: a unit is read from its summary only when it has
  -- one and no pending deltas; every other unit, and a partial last day, merges
  -- its histograms (ttfs_window_stats_merge runs in this statement's snapshot).
  RETURN QUERY
  WITH cells AS (
    SELECT c.hour AS t, c.surface, c.cache_hit, c.m_count, c.m_min, c.m_max, c.m_over_2000, c.m_over_5000, c.n_error, c.n_timeout,
      c.n_rendered, c.r_over_2000, c.r_over_5000
    FROM scheduler.ttfs_rollup_cells c
    WHERE v_grain = 'hour' AND c.tenant_id = v_tenant AND c.hour >= p_from AND c.hour < v_units_to
    UNION ALL
    SELECT c.day, c.surface, c.cache_hit, c.m_count, c.m_min, c.m_max, c.m_over_2000, c.m_over_5000, c.n_error, c.n_timeout,
      c.n_rendered, c.r_over_2000, c.r_over_5000
    FROM scheduler.ttfs_rollup_cells_daily c
    WHERE v_grain = 'day' AND c.tenant_id = v_tenant AND c.day >= p_from AND c.day < v_units_to
  ),
  summarised AS (
    SELECT x.t FROM scheduler.ttfs_rollup_quantiles x
    WHERE x.tenant_id = v_tenant AND x.grain = v_grain AND x.t >= p_from AND x.t < v_units_to AND x.surface = '*' AND x.cache = '*'
  ),
  dirty AS (
    SELECT date_bin(v_step, d.hour, p_from) AS u FROM scheduler.ttfs_rollup_cells_delta d
    WHERE d.tenant_id = v_tenant AND d.hour >= p_from AND d.hour < v_units_to
    UNION
    SELECT date_bin(v_step, d.hour, p_from) FROM scheduler.ttfs_rollup_buckets_delta d
    WHERE d.tenant_id = v_tenant AND d.hour >= p_from AND d.hour < v_units_to
    UNION
    SELECT cells.t FROM cells GROUP BY cells.t HAVING sum(cells.m_count) > 0 AND cells.t NOT IN (SELECT summarised.t FROM summarised)
  ),
  agg AS (
    SELECT cells.t, CASE WHEN p_split_surface THEN cells.surface ELSE 'all' END AS s,
      sum(cells.m_count)::bigint AS n, min(cells.m_min) AS mn, max(cells.m_max) AS mx,
      sum(cells.m_over_2000)::bigint AS o2, sum(cells.m_over_5000)::bigint AS o5, sum(cells.n_error)::bigint AS e, sum(cells.n_timeout)::bigint AS to_,
      coalesce(sum(cells.m_count) FILTER (WHERE cells.cache_hit), 0)::bigint AS hits,
      sum(cells.n_rendered)::bigint AS r, sum(cells.r_over_2000)::bigint AS r2, sum(cells.r_over_5000)::bigint AS r5
    FROM cells
    WHERE (p_surfaces IS NULL OR cells.surface = ANY (p_surfaces)) AND (p_cache_hit IS NULL OR cells.cache_hit = p_cache_hit)
      AND cells.t NOT IN (SELECT dirty.u FROM dirty)
    GROUP BY 1, 2
  ),
  q AS (
    SELECT x.t, CASE WHEN p_split_surface THEN x.surface ELSE 'all' END AS s, x.p50_ms AS q50, x.p95_ms AS q95, x.p99_ms AS q99
    FROM scheduler.ttfs_rollup_quantiles x
    WHERE x.tenant_id = v_tenant AND x.grain = v_grain AND x.t >= p_from AND x.t < v_units_to AND x.cache = v_cache
      AND CASE WHEN p_split_surface THEN x.surface <> '*' AND (p_surfaces IS NULL OR x.surface = ANY (p_surfaces))
               ELSE x.surface = coalesce(p_surfaces[1], '*') END
  ),
  rest AS (
    SELECT dirty.u FROM dirty
    UNION ALL
    SELECT v_units_to WHERE v_units_to < w.h_to
  )
  SELECT a.t, a.s, a.n, q.q50, q.q95, q.q99, a.mn, a.mx, a.o2, a.o5, a.e, a.to_, a.hits, a.r, a.r2, a.r5
  FROM agg a LEFT JOIN q ON q.t = a.t AND q.s = a.s
  WHERE a.n > 0 OR a.r > 0
  UNION ALL
  SELECT m.* FROM rest CROSS JOIN LATERAL scheduler.ttfs_window_stats_merge(rest.u, least(rest.u + v_step, p_to), v_step,
    p_tenants, p_surfaces, p_cache_hit, p_split_surface) m
  ORDER BY 1, 2;
END $fn$;

-- ttfs_window_histogram: same signature and rows as in 0004, over the split grains.
CREATE OR REPLACE FUNCTION scheduler.ttfs_window_histogram(
  p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
  p_tenants UUID[] DEFAULT NULL, p_surfaces TEXT[] DEFAULT NULL, p_cache_hit BOOLEAN DEFAULT NULL)
RETURNS TABLE (bucket INT, value_ms FLOAT8, n BIGINT)
LANGUAGE plpgsql STABLE AS $fn$
#variable_conflict use_column
DECLARE
  w RECORD;
BEGIN
  SELECT * INTO w FROM scheduler.ttfs_window_bounds(p_from, p_to, interval '1 hour');
  RETURN QUERY
  SELECT h.bucket, scheduler.ttfs_bucket_value(h.bucket), sum(h.n)::bigint
  FROM scheduler.ttfs_whole_window_bucket_rows(w.h_from, w.h_to, p_tenants, p_surfaces, p_cache_hit) h
  GROUP BY 1 ORDER BY 1;
END $fn$;

-- One pass over a window for every card that needs whole-window totals: the
-- hours [date_trunc('hour', p_from), p_to) as one bucket, per surface x cache state,
-- per surface ('*' cache), per cache state ('*' surface) and overall ('*', '*').
-- Each row equals ttfs_window_stats over the same hours with the matching filter;
-- rows over all surfaces also carry their merged histogram (the distribution
-- chart), as in ttfs_window_histogram: bucket values and counts, by bucket.
CREATE OR REPLACE FUNCTION scheduler.ttfs_window_cube(
  p_from TIMESTAMPTZ, p_to TIMESTAMPTZ, p_tenants UUID[] DEFAULT NULL, p_surfaces TEXT[] DEFAULT NULL)
RETURNS TABLE (surface TEXT, cache TEXT, events BIGINT, p50_ms FLOAT8, p95_ms FLOAT8, p99_ms FLOAT8,
  min_ms INT, max_ms INT, over_2000 BIGINT, over_5000 BIGINT, errors BIGINT, timeouts BIGINT, cache_hits BIGINT,
  rendered BIGINT, rendered_over_2000 BIGINT, rendered_over_5000 BIGINT, hist_values FLOAT8[], hist_counts BIGINT[])
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $fn$
#variable_conflict use_column
DECLARE
  w RECORD;
BEGIN
  SELECT * INTO w FROM scheduler.ttfs_window_bounds(date_trunc('hour', p_from), p_to,
    greatest(interval '1 hour', date_trunc('hour', p_to) + interval '1 hour' - date_trunc('hour', p_from)));
  RETURN QUERY
  WITH cells AS (
    SELECT c.surface, c.cache_hit, sum(c.m_count) AS m_count, min(c.m_min) AS m_min, max(c.m_max) AS m_max,
      sum(c.m_over_2000) AS m_over_2000, sum(c.m_over_5000) AS m_over_5000, sum(c.n_error) AS n_error, sum(c.n_timeout) AS n_timeout,
      sum(c.n_rendered) AS n_rendered, sum(c.r_over_2000) AS r_over_2000, sum(c.r_over_5000) AS r_over_5000
    FROM scheduler.ttfs_window_cell_rows(w.h_from, w.h_to, w.d_lo, w.d_hi, p_tenants, p_surfaces, NULL) c
    GROUP BY 1, 2
  ),
  agg AS (
    SELECT CASE WHEN grouping(cells.surface) = 1 THEN '*' ELSE cells.surface END AS s,
      CASE WHEN grouping(cells.cache_hit) = 1 THEN '*' WHEN cells.cache_hit THEN 'hit' ELSE 'cold' END AS k,
      sum(cells.m_count)::bigint AS n, min(cells.m_min) AS mn, max(cells.m_max) AS mx,
      sum(cells.m_over_2000)::bigint AS o2, sum(cells.m_over_5000)::bigint AS o5, sum(cells.n_error)::bigint AS e, sum(cells.n_timeout)::bigint AS to_,
      coalesce(sum(cells.m_count) FILTER (WHERE cells.cache_hit), 0)::bigint AS hits,
      sum(cells.n_rendered)::bigint AS r, sum(cells.r_over_2000)::bigint AS r2, sum(cells.r_over_5000)::bigint AS r5
    FROM cells GROUP BY GROUPING SETS ((cells.surface, cells.cache_hit), (cells.surface), (cells.cache_hit), ())
  ),
  base AS (
    SELECT h.surface, h.cache_hit, h.bucket AS hb, h.n
    FROM scheduler.ttfs_whole_window_bucket_rows(w.h_from, w.h_to, p_tenants, p_surfaces, NULL) h
  ),
  hist AS (
    SELECT CASE WHEN grouping(base.surface) = 1 THEN '*' ELSE base.surface END AS s,
      CASE WHEN grouping(base.cache_hit) = 1 THEN '*' WHEN base.cache_hit THEN 'hit' ELSE 'cold' END AS k,
      base.hb, sum(base.n) AS n
    FROM base GROUP BY GROUPING SETS ((base.surface, base.cache_hit, base.hb), (base.surface, base.hb), (base.cache_hit, base.hb), (base.hb))
  ),
  cum AS (
    SELECT hist.*, sum(hist.n) OVER (PARTITION BY hist.s, hist.k ORDER BY hist.hb) AS c, sum(hist.n) OVER (PARTITION BY hist.s, hist.k) AS total FROM hist
  ),
  picked AS (
    SELECT cum.s, cum.k, max(cum.total)::bigint AS total,
      min(cum.hb) FILTER (WHERE cum.c > floor(0.50 * (cum.total - 1))) AS l50, min(cum.hb) FILTER (WHERE cum.c > ceil(0.50 * (cum.total - 1))) AS h50,
      min(cum.hb) FILTER (WHERE cum.c > floor(0.95 * (cum.total - 1))) AS l95, min(cum.hb) FILTER (WHERE cum.c > ceil(0.95 * (cum.total - 1))) AS h95,
      min(cum.hb) FILTER (WHERE cum.c > floor(0.99 * (cum.total - 1))) AS l99, min(cum.hb) FILTER (WHERE cum.c > ceil(0.99 * (cum.total - 1))) AS h99
    FROM cum GROUP BY 1, 2
  ),
  arrays AS (
    SELECT hist.s, hist.k, array_agg(scheduler.ttfs_bucket_value(hist.hb) ORDER BY hist.hb) AS vals, array_agg(hist.n::bigint ORDER BY hist.hb) AS ns
    FROM hist WHERE hist.s = '*' GROUP BY 1, 2
  )
  SELECT a.s, a.k, a.n,
    scheduler.ttfs_quantile(0.50, p.total, p.l50, p.h50, a.mn, a.mx),
    scheduler.ttfs_quantile(0.95, p.total, p.l95, p.h95, a.mn, a.mx),
    scheduler.ttfs_quantile(0.99, p.total, p.l99, p.h99, a.mn, a.mx),
    a.mn, a.mx, a.o2, a.o5, a.e, a.to_, a.hits, a.r, a.r2, a.r5, ar.vals, ar.ns
  FROM agg a LEFT JOIN picked p ON p.s = a.s AND p.k = a.k LEFT JOIN arrays ar ON ar.s = a.s AND ar.k = a.k
  WHERE a.n > 0 OR a.r > 0
  ORDER BY a.s, a.k;
END $fn$;

-- ---------------------------------------------------------------------------
-- Backfill: the day grain and the summaries of everything folded so far
-- (pending deltas stay pending and reach both grains with the next fold).
SELECT scheduler.ttfs_rollup_rederive_days('-infinity', 'infinity');
SELECT scheduler.ttfs_rollup_quantiles_refresh('hour',
  (SELECT array_agg(tenant_id ORDER BY tenant_id, hour) FROM (SELECT DISTINCT tenant_id, hour FROM scheduler.ttfs_rollup_cells) k),
  (SELECT array_agg(hour ORDER BY tenant_id, hour) FROM (SELECT DISTINCT tenant_id, hour FROM scheduler.ttfs_rollup_cells) k));
