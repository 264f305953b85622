-- Window queries over the rollups: the dashboard's stats, histograms and cubes for any time range.
-- Applied with CREATE OR REPLACE whenever this file changes (db/migrate.ts).

CREATE OR REPLACE FUNCTION scheduler.ttfs_window_bounds(p_from timestamp with time zone, p_to timestamp with time zone, p_bucket interval, OUT h_from timestamp with time zone, OUT h_to timestamp with time zone, OUT d_lo timestamp with time zone, OUT d_hi timestamp with time zone) RETURNS record
    LANGUAGE plpgsql STABLE
    AS $$
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
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_whole_window_split(p_h_from timestamp with time zone, p_h_to timestamp with time zone, OUT d_lo timestamp with time zone, OUT d_hi timestamp with time zone, OUT add1_lo timestamp with time zone, OUT add1_hi timestamp with time zone, OUT sub1_lo timestamp with time zone, OUT sub1_hi timestamp with time zone, OUT add2_lo timestamp with time zone, OUT add2_hi timestamp with time zone, OUT sub2_lo timestamp with time zone, OUT sub2_hi timestamp with time zone) RETURNS record
    LANGUAGE plpgsql STABLE
    AS $$
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
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_window_cell_rows(p_h_from timestamp with time zone, p_h_to timestamp with time zone, p_d_lo timestamp with time zone, p_d_hi timestamp with time zone, p_tenants uuid[], p_surfaces text[], p_cache_hit boolean) RETURNS SETOF scheduler.ttfs_rollup_cells
    LANGUAGE sql STABLE
    AS $$
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

CREATE OR REPLACE FUNCTION scheduler.ttfs_window_bucket_rows(p_h_from timestamp with time zone, p_h_to timestamp with time zone, p_d_lo timestamp with time zone, p_d_hi timestamp with time zone, p_tenants uuid[], p_surfaces text[], p_cache_hit boolean) RETURNS SETOF scheduler.ttfs_rollup_buckets
    LANGUAGE sql STABLE
    AS $$
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

CREATE OR REPLACE FUNCTION scheduler.ttfs_whole_window_bucket_rows(p_h_from timestamp with time zone, p_h_to timestamp with time zone, p_tenants uuid[], p_surfaces text[], p_cache_hit boolean) RETURNS TABLE(surface text, cache_hit boolean, bucket integer, n bigint)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
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
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_window_stats_merge(p_from timestamp with time zone, p_to timestamp with time zone, p_bucket interval, p_tenants uuid[] DEFAULT NULL::uuid[], p_surfaces text[] DEFAULT NULL::text[], p_cache_hit boolean DEFAULT NULL::boolean, p_split_surface boolean DEFAULT true) RETURNS TABLE(bucket timestamp with time zone, surface text, events bigint, p50_ms double precision, p95_ms double precision, p99_ms double precision, min_ms integer, max_ms integer, over_2000 bigint, over_5000 bigint, errors bigint, timeouts bigint, cache_hits bigint, rendered bigint, rendered_over_2000 bigint, rendered_over_5000 bigint)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
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
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_window_stats(p_from timestamp with time zone, p_to timestamp with time zone, p_bucket interval, p_tenants uuid[] DEFAULT NULL::uuid[], p_surfaces text[] DEFAULT NULL::text[], p_cache_hit boolean DEFAULT NULL::boolean, p_split_surface boolean DEFAULT true) RETURNS TABLE(bucket timestamp with time zone, surface text, events bigint, p50_ms double precision, p95_ms double precision, p99_ms double precision, min_ms integer, max_ms integer, over_2000 bigint, over_5000 bigint, errors bigint, timeouts bigint, cache_hits bigint, rendered bigint, rendered_over_2000 bigint, rendered_over_5000 bigint)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
#variable_conflict use_column
DECLARE
  v_grain TEXT;
  v_step INTERVAL;
  v_units_to TIMESTAMPTZ;
  v_tenant UUID;
  v_cache TEXT := CASE WHEN p_cache_hit IS NULL THEN '*' WHEN p_cache_hit THEN 'hit' ELSE 'cold' END;
  w RECORD;
  v_done JSONB;
  v_rest TIMESTAMPTZ[];
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

  -- A unit is read from its summary only when it has one and no pending deltas; every
  -- other unit, and a partial last day, merges its histograms (below).
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
  ),
  done AS (
    SELECT a.t, a.s, a.n, q.q50, q.q95, q.q99, a.mn, a.mx, a.o2, a.o5, a.e, a.to_, a.hits, a.r, a.r2, a.r5
    FROM agg a LEFT JOIN q ON q.t = a.t AND q.s = a.s
    WHERE a.n > 0 OR a.r > 0
  )
  SELECT (SELECT coalesce(jsonb_agg(to_jsonb(done)), '[]'::jsonb) FROM done), (SELECT array_agg(rest.u) FROM rest)
  INTO v_done, v_rest;
  -- The units to merge in a second statement: on Citus a statement that reads one tenant's shards
  -- runs whole on its worker, where the merge function could not read other shards. Each unit is
  -- still read in one snapshot (its summary and cells above, or its cells and deltas here).
  RETURN QUERY
  SELECT d.* FROM jsonb_to_recordset(v_done) AS d(t timestamptz, s text, n bigint, q50 float8, q95 float8, q99 float8,
    mn int, mx int, o2 bigint, o5 bigint, e bigint, to_ bigint, hits bigint, r bigint, r2 bigint, r5 bigint)
  UNION ALL
  SELECT m.* FROM unnest(v_rest) AS rest(u) CROSS JOIN LATERAL scheduler.ttfs_window_stats_merge(rest.u, least(rest.u + v_step, p_to), v_step,
    p_tenants, p_surfaces, p_cache_hit, p_split_surface) m
  ORDER BY 1, 2;
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_window_histogram(p_from timestamp with time zone, p_to timestamp with time zone, p_tenants uuid[] DEFAULT NULL::uuid[], p_surfaces text[] DEFAULT NULL::text[], p_cache_hit boolean DEFAULT NULL::boolean) RETURNS TABLE(bucket integer, value_ms double precision, n bigint)
    LANGUAGE plpgsql STABLE
    AS $$
#variable_conflict use_column
DECLARE
  w RECORD;
BEGIN
  SELECT * INTO w FROM scheduler.ttfs_window_bounds(p_from, p_to, interval '1 hour');
  RETURN QUERY
  SELECT h.bucket, scheduler.ttfs_bucket_value(h.bucket), sum(h.n)::bigint
  FROM scheduler.ttfs_whole_window_bucket_rows(w.h_from, w.h_to, p_tenants, p_surfaces, p_cache_hit) h
  GROUP BY 1 ORDER BY 1;
END $$;

CREATE OR REPLACE FUNCTION scheduler.ttfs_window_cube(p_from timestamp with time zone, p_to timestamp with time zone, p_tenants uuid[] DEFAULT NULL::uuid[], p_surfaces text[] DEFAULT NULL::text[]) RETURNS TABLE(surface text, cache text, events bigint, p50_ms double precision, p95_ms double precision, p99_ms double precision, min_ms integer, max_ms integer, over_2000 bigint, over_5000 bigint, errors bigint, timeouts bigint, cache_hits bigint, rendered bigint, rendered_over_2000 bigint, rendered_over_5000 bigint, hist_values double precision[], hist_counts bigint[])
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
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
END $$;
