-- Rollups: the per-statement deltas ingest writes, the fold that merges them into hourly and daily
-- cells and histograms, the percentile summaries, rebuilds and pruning.
-- Applied with CREATE OR REPLACE whenever this file changes (db/migrate.ts).

CREATE OR REPLACE FUNCTION scheduler.ttfs_bucket(ms integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT CASE WHEN ms <= 100 THEN ms ELSE 100 + ceil(ln(ms / 100.0::float8) / ln(1.02::float8))::int END
$$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_bucket_value(b integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT CASE WHEN b <= 100 THEN b::float8
    ELSE 2 * (100 * power(1.02::float8, b - 101)) * (100 * power(1.02::float8, b - 100))
           / ((100 * power(1.02::float8, b - 101)) + (100 * power(1.02::float8, b - 100))) END
$$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_quantile(p double precision, total bigint, b_lo integer, b_hi integer, min_ms integer, max_ms integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
  SELECT CASE WHEN total IS NULL OR total = 0 THEN NULL ELSE
    least(max_ms::float8, greatest(min_ms::float8,
      scheduler.ttfs_bucket_value(b_lo)
      + (p * (total - 1) - floor(p * (total - 1))) * (scheduler.ttfs_bucket_value(b_hi) - scheduler.ttfs_bucket_value(b_lo))))
  END
$$;

-- The rollup deltas of a set of new events: one cells row and one packed histogram row per
-- (hour, tenant, surface, cache_hit), and the releases first seen. The statement trigger on one
-- server stages every insert through it; Citus's row trigger (below) writes the same for one row.
-- (PL/pgSQL, not SQL: Citus plans no SQL function over distributed tables called with parameters.)
CREATE OR REPLACE FUNCTION scheduler.ttfs_stage_event_deltas(p_rows scheduler.ttfs_events[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
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
  FROM unnest(p_rows)
  GROUP BY 1, 2, 3, 4;

  INSERT INTO scheduler.ttfs_rollup_histogram_delta
  SELECT hour, tenant_id, surface, cache_hit, array_agg(bucket ORDER BY bucket), array_agg(n ORDER BY bucket)
  FROM (
    SELECT date_trunc('hour', ts) AS hour, tenant_id, surface, cache_hit, scheduler.ttfs_bucket(ttfs_ms) AS bucket, count(*) AS n
    FROM unnest(p_rows)
    WHERE event_type <> 'signal.start'
    GROUP BY 1, 2, 3, 4, 5
  ) b
  GROUP BY 1, 2, 3, 4;

  INSERT INTO scheduler.ttfs_release_first_seen (tenant_id, release, first_seen)
  SELECT tenant_id, release, min(ts) FROM unnest(p_rows) WHERE release IS NOT NULL GROUP BY 1, 2
  ON CONFLICT (tenant_id, release) DO NOTHING;
END $$;

-- One server: AFTER INSERT ... FOR EACH STATEMENT with the new rows as a transition table.
CREATE OR REPLACE FUNCTION scheduler.ttfs_events_rollup_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  -- The transition table's rows are records: typed as the table's rows.
  PERFORM scheduler.ttfs_stage_event_deltas(ARRAY(SELECT ROW(n.*)::scheduler.ttfs_events FROM new_rows n));
  RETURN NULL;
END $$;

-- Citus: AFTER INSERT ... FOR EACH ROW, run on the worker holding the event's shard; the deltas
-- go to the co-located shards of the same tenant on that worker. These are the deltas
-- ttfs_stage_event_deltas computes, for one event, written as single-row VALUES: Citus routes
-- those on its fast path, where an INSERT ... SELECT is planned anew for every row (about 3.7
-- times the cost per event). Both engines' tests compare the rollups with the raw events.
CREATE OR REPLACE FUNCTION scheduler.ttfs_events_rollup_row_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
  measured BOOLEAN := NEW.event_type <> 'signal.start';
  -- Computed here, not inside the INSERT: Citus binds NEW's values as constants there, and
  -- constant folding would evaluate ttfs_bucket's ln() even for the small values it skips.
  bucket INT := scheduler.ttfs_bucket(NEW.ttfs_ms);
BEGIN
  INSERT INTO scheduler.ttfs_rollup_cells_delta VALUES (date_trunc('hour', NEW.ts), NEW.tenant_id, NEW.surface, NEW.cache_hit,
    1, (NEW.event_type = 'signal.start')::int, (NEW.event_type = 'signal.rendered')::int,
    (NEW.event_type = 'signal.timeout')::int, (NEW.event_type = 'signal.error')::int,
    measured::int, CASE WHEN measured THEN NEW.ttfs_ms ELSE 0 END,
    CASE WHEN measured THEN NEW.ttfs_ms END, CASE WHEN measured THEN NEW.ttfs_ms END,
    (measured AND NEW.ttfs_ms > 2000)::int, (measured AND NEW.ttfs_ms > 5000)::int,
    (NEW.event_type = 'signal.rendered' AND NEW.ttfs_ms > 2000)::int, (NEW.event_type = 'signal.rendered' AND NEW.ttfs_ms > 5000)::int);
  IF measured THEN
    INSERT INTO scheduler.ttfs_rollup_histogram_delta VALUES (date_trunc('hour', NEW.ts), NEW.tenant_id, NEW.surface, NEW.cache_hit,
      ARRAY[bucket], ARRAY[1]);
  END IF;
  IF NEW.release IS NOT NULL THEN
    INSERT INTO scheduler.ttfs_release_first_seen (tenant_id, release, first_seen) VALUES (NEW.tenant_id, NEW.release, NEW.ts)
    ON CONFLICT (tenant_id, release) DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_events_truncate_trigger() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  TRUNCATE scheduler.ttfs_rollup_cells, scheduler.ttfs_rollup_cells_delta,
    scheduler.ttfs_rollup_buckets, scheduler.ttfs_rollup_histogram_delta,
    scheduler.ttfs_summary_hourly, scheduler.ttfs_summary_daily,
    scheduler.ttfs_rollup_cells_daily, scheduler.ttfs_rollup_buckets_daily, scheduler.ttfs_rollup_quantiles;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_stage_events(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS void
    LANGUAGE sql
    AS $$
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

CREATE OR REPLACE FUNCTION scheduler.ttfs_hourly_quantiles(p_keys jsonb) RETURNS TABLE(hour timestamp with time zone, surface text, cache_hit boolean, p50_ms double precision, p95_ms double precision, p99_ms double precision)
    LANGUAGE plpgsql STABLE
    AS $$
#variable_conflict use_column
BEGIN
  IF p_keys IS NULL OR jsonb_array_length(p_keys) = 0 THEN RETURN; END IF;
  RETURN QUERY
  WITH keys AS (
    SELECT DISTINCT (k->>'hour')::timestamptz AS hour, k->>'surface' AS surface, (k->>'cache_hit')::boolean AS cache_hit
    FROM jsonb_array_elements(p_keys) k
  ),
  -- Plain joins with the keys (no LATERAL): Citus joins a distributed table with a list of keys
  -- on any columns, but not through a correlated subquery.
  b AS (
    SELECT x.hour, x.surface, x.cache_hit, x.bucket, sum(x.n) AS n
    FROM (
      SELECT r.hour, r.surface, r.cache_hit, r.bucket, r.n FROM scheduler.ttfs_rollup_buckets r
      JOIN keys ON r.hour = keys.hour AND r.surface = keys.surface AND r.cache_hit = keys.cache_hit
      UNION ALL
      SELECT d.hour, d.surface, d.cache_hit, d.bucket, d.n FROM scheduler.ttfs_rollup_buckets_delta d
      JOIN keys ON d.hour = keys.hour AND d.surface = keys.surface AND d.cache_hit = keys.cache_hit
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
    SELECT x.hour, x.surface, x.cache_hit, min(x.m_min) AS mn, max(x.m_max) AS mx
    FROM (
      SELECT r.hour, r.surface, r.cache_hit, r.m_min, r.m_max FROM scheduler.ttfs_rollup_cells r
      JOIN keys ON r.hour = keys.hour AND r.surface = keys.surface AND r.cache_hit = keys.cache_hit
      UNION ALL
      SELECT d.hour, d.surface, d.cache_hit, d.m_min, d.m_max FROM scheduler.ttfs_rollup_cells_delta d
      JOIN keys ON d.hour = keys.hour AND d.surface = keys.surface AND d.cache_hit = keys.cache_hit
    ) x GROUP BY 1, 2, 3
  )
  SELECT p.hour, p.surface, p.cache_hit,
    scheduler.ttfs_quantile(0.50, p.total, p.l50, p.h50, bo.mn, bo.mx),
    scheduler.ttfs_quantile(0.95, p.total, p.l95, p.h95, bo.mn, bo.mx),
    scheduler.ttfs_quantile(0.99, p.total, p.l99, p.h99, bo.mn, bo.mx)
  FROM picked p JOIN bounds bo ON bo.hour = p.hour AND bo.surface = p.surface AND bo.cache_hit = p.cache_hit;
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_daily_quantiles(p_keys jsonb) RETURNS TABLE(day timestamp with time zone, tenant_id uuid, surface text, p50_ms double precision, p95_ms double precision)
    LANGUAGE plpgsql STABLE
    AS $$
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
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_quantiles_refresh(p_grain text, p_tenants uuid[], p_ts timestamp with time zone[]) RETURNS void
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
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
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_fold() RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_rederive_days(p_from_day timestamp with time zone, p_to_day timestamp with time zone) RETURNS void
    LANGUAGE plpgsql
    AS $$
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
END $$;

-- The daily percentile summaries (ttfs_summary_daily) of every day, tenant and surface with
-- folded cells in [p_from, p_to), computed again from all of the day's remaining cells.
CREATE OR REPLACE FUNCTION scheduler.ttfs_summary_daily_recompute(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
  INSERT INTO scheduler.ttfs_summary_daily AS s
  SELECT * FROM scheduler.ttfs_daily_quantiles((
    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('day', date_trunc('day', c.hour), 'tenant_id', c.tenant_id, 'surface', c.surface)), '[]')
    FROM scheduler.ttfs_rollup_cells c
    WHERE c.hour >= p_from AND c.hour < p_to))
  ON CONFLICT (tenant_id, day, surface) DO UPDATE SET p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms;
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_rollup_rebuild(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS void
    LANGUAGE plpgsql
    AS $$
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
  PERFORM scheduler.ttfs_summary_daily_recompute(date_trunc('day', p_from), date_trunc('day', p_to) + interval '1 day');
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_prune_rollups(p_before timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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
    PERFORM scheduler.ttfs_summary_daily_recompute(date_trunc('day', p_before), date_trunc('day', p_before) + interval '1 day');
  END IF;
  RETURN removed;
END $$;
