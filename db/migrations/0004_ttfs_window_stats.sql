-- 0004: arbitrary windows and filters over the rollups for the dashboard:
-- percentiles merged from histograms (never averaged), exact counts.

CREATE OR REPLACE FUNCTION scheduler.ttfs_window_stats(
  p_from TIMESTAMPTZ, p_to TIMESTAMPTZ, p_bucket INTERVAL,
  p_tenants UUID[] DEFAULT NULL, p_surfaces TEXT[] DEFAULT NULL, p_cache_hit BOOLEAN DEFAULT NULL,
  p_split_surface BOOLEAN DEFAULT TRUE)
RETURNS TABLE (bucket TIMESTAMPTZ, surface TEXT, events BIGINT, p50_ms FLOAT8, p95_ms FLOAT8, p99_ms FLOAT8,
  min_ms INT, max_ms INT, over_2000 BIGINT, over_5000 BIGINT, errors BIGINT, timeouts BIGINT, cache_hits BIGINT,
  rendered BIGINT, rendered_over_2000 BIGINT, rendered_over_5000 BIGINT)
LANGUAGE sql STABLE AS $$
  WITH cells AS (
    SELECT date_bin(p_bucket, c.hour, p_from) AS t, CASE WHEN p_split_surface THEN c.surface ELSE 'all' END AS s, c.*
    FROM (SELECT * FROM scheduler.ttfs_rollup_cells UNION ALL SELECT * FROM scheduler.ttfs_rollup_cells_delta) c
    WHERE c.hour >= date_trunc('hour', p_from) AND c.hour < p_to
      AND (p_tenants IS NULL OR c.tenant_id = ANY (p_tenants))
      AND (p_surfaces IS NULL OR c.surface = ANY (p_surfaces))
      AND (p_cache_hit IS NULL OR c.cache_hit = p_cache_hit)
  ),
  agg AS (
    SELECT t, s, sum(m_count)::bigint AS n, min(m_min) AS mn, max(m_max) AS mx,
      sum(m_over_2000)::bigint AS o2, sum(m_over_5000)::bigint AS o5, sum(n_error)::bigint AS e, sum(n_timeout)::bigint AS to_,
      coalesce(sum(m_count) FILTER (WHERE cache_hit), 0)::bigint AS hits,
      sum(n_rendered)::bigint AS r, sum(r_over_2000)::bigint AS r2, sum(r_over_5000)::bigint AS r5
    FROM cells GROUP BY 1, 2
  ),
  hist AS (
    SELECT date_bin(p_bucket, h.hour, p_from) AS t, CASE WHEN p_split_surface THEN h.surface ELSE 'all' END AS s, h.bucket AS hb, sum(h.n) AS n
    FROM (SELECT * FROM scheduler.ttfs_rollup_buckets UNION ALL SELECT * FROM scheduler.ttfs_rollup_buckets_delta) h
    WHERE h.hour >= date_trunc('hour', p_from) AND h.hour < p_to
      AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants))
      AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
      AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
    GROUP BY 1, 2, 3
  ),
  cum AS (
    SELECT hist.*, sum(n) OVER (PARTITION BY t, s ORDER BY hb) AS c, sum(n) OVER (PARTITION BY t, s) AS total FROM hist
  ),
  picked AS (
    SELECT t, s, max(total)::bigint AS total,
      min(hb) FILTER (WHERE c > floor(0.50 * (total - 1))) AS l50, min(hb) FILTER (WHERE c > ceil(0.50 * (total - 1))) AS h50,
      min(hb) FILTER (WHERE c > floor(0.95 * (total - 1))) AS l95, min(hb) FILTER (WHERE c > ceil(0.95 * (total - 1))) AS h95,
      min(hb) FILTER (WHERE c > floor(0.99 * (total - 1))) AS l99, min(hb) FILTER (WHERE c > ceil(0.99 * (total - 1))) AS h99
    FROM cum GROUP BY 1, 2
  )
  SELECT a.t, a.s, a.n,
    scheduler.ttfs_quantile(0.50, p.total, p.l50, p.h50, a.mn, a.mx),
    scheduler.ttfs_quantile(0.95, p.total, p.l95, p.h95, a.mn, a.mx),
    scheduler.ttfs_quantile(0.99, p.total, p.l99, p.h99, a.mn, a.mx),
    a.mn, a.mx, a.o2, a.o5, a.e, a.to_, a.hits, a.r, a.r2, a.r5
  FROM agg a LEFT JOIN picked p ON p.t = a.t AND p.s = a.s
  WHERE a.n > 0 OR a.r > 0
  ORDER BY a.t, a.s
$$;

-- The merged latency histogram of a window, for the distribution chart.
CREATE OR REPLACE FUNCTION scheduler.ttfs_window_histogram(
  p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
  p_tenants UUID[] DEFAULT NULL, p_surfaces TEXT[] DEFAULT NULL, p_cache_hit BOOLEAN DEFAULT NULL)
RETURNS TABLE (bucket INT, value_ms FLOAT8, n BIGINT)
LANGUAGE sql STABLE AS $$
  SELECT h.bucket, scheduler.ttfs_bucket_value(h.bucket), sum(h.n)::bigint
  FROM (SELECT * FROM scheduler.ttfs_rollup_buckets UNION ALL SELECT * FROM scheduler.ttfs_rollup_buckets_delta) h
  WHERE h.hour >= date_trunc('hour', p_from) AND h.hour < p_to
    AND (p_tenants IS NULL OR h.tenant_id = ANY (p_tenants))
    AND (p_surfaces IS NULL OR h.surface = ANY (p_surfaces))
    AND (p_cache_hit IS NULL OR h.cache_hit = p_cache_hit)
  GROUP BY 1 ORDER BY 1
$$;
