-- Views over the rollups, the seed's reporting interface.
-- Applied with CREATE OR REPLACE whenever this file changes (db/migrate.ts); a view whose columns
-- change needs a migration that drops it first.

CREATE OR REPLACE VIEW scheduler.ttfs_daily_summary AS
 WITH cells AS (
         SELECT ttfs_rollup_cells.hour,
            ttfs_rollup_cells.tenant_id,
            ttfs_rollup_cells.surface,
            ttfs_rollup_cells.cache_hit,
            ttfs_rollup_cells.m_count,
            ttfs_rollup_cells.m_sum,
            ttfs_rollup_cells.n_error
           FROM scheduler.ttfs_rollup_cells
          WHERE (ttfs_rollup_cells.hour >= date_trunc('day'::text, (now() - '90 days'::interval)))
        UNION ALL
         SELECT ttfs_rollup_cells_delta.hour,
            ttfs_rollup_cells_delta.tenant_id,
            ttfs_rollup_cells_delta.surface,
            ttfs_rollup_cells_delta.cache_hit,
            ttfs_rollup_cells_delta.m_count,
            ttfs_rollup_cells_delta.m_sum,
            ttfs_rollup_cells_delta.n_error
           FROM scheduler.ttfs_rollup_cells_delta
          WHERE (ttfs_rollup_cells_delta.hour >= date_trunc('day'::text, (now() - '90 days'::interval)))
        ), agg AS (
         SELECT date_trunc('day'::text, cells.hour) AS day,
            cells.tenant_id,
            cells.surface,
            (sum(cells.m_count))::bigint AS n,
            sum(cells.m_sum) AS s,
            sum(cells.m_count) FILTER (WHERE cells.cache_hit) AS hits,
            (sum(cells.n_error))::bigint AS errors
           FROM cells
          GROUP BY (date_trunc('day'::text, cells.hour)), cells.tenant_id, cells.surface
         HAVING (sum(cells.m_count) > (0)::numeric)
        ), dirty AS (
         SELECT q.day,
            q.tenant_id,
            q.surface,
            q.p50_ms,
            q.p95_ms
           FROM scheduler.ttfs_daily_quantiles(( SELECT COALESCE(jsonb_agg(DISTINCT jsonb_build_object('day', date_trunc('day'::text, ttfs_rollup_cells_delta.hour), 'tenant_id', ttfs_rollup_cells_delta.tenant_id, 'surface', ttfs_rollup_cells_delta.surface)), '[]'::jsonb) AS "coalesce"
                   FROM scheduler.ttfs_rollup_cells_delta
                  WHERE ((ttfs_rollup_cells_delta.hour >= date_trunc('day'::text, (now() - '90 days'::interval))) AND (ttfs_rollup_cells_delta.m_count > 0)))) q(day, tenant_id, surface, p50_ms, p95_ms)
        )
 SELECT a.day,
    a.tenant_id,
    a.surface,
    a.n AS event_count,
    (a.s / (a.n)::numeric) AS avg_ms,
    COALESCE(d.p50_ms, s.p50_ms) AS p50_ms,
    COALESCE(d.p95_ms, s.p95_ms) AS p95_ms,
    ((COALESCE(a.hits, (0)::numeric))::double precision / (a.n)::double precision) AS cache_hit_rate,
    a.errors AS error_count
   FROM ((agg a
     LEFT JOIN dirty d USING (day, tenant_id, surface))
     LEFT JOIN scheduler.ttfs_summary_daily s USING (day, tenant_id, surface));

COMMENT ON VIEW scheduler.ttfs_daily_summary IS 'Daily rollup of TTFS metrics for long-term trending (measurement events; served from histogram rollups)';

CREATE OR REPLACE VIEW scheduler.ttfs_hourly_summary AS
 WITH cells AS (
         SELECT ttfs_rollup_cells.hour,
            ttfs_rollup_cells.surface,
            ttfs_rollup_cells.cache_hit,
            ttfs_rollup_cells.m_count,
            ttfs_rollup_cells.m_sum,
            ttfs_rollup_cells.m_min,
            ttfs_rollup_cells.m_max,
            ttfs_rollup_cells.m_over_2000,
            ttfs_rollup_cells.m_over_5000
           FROM scheduler.ttfs_rollup_cells
          WHERE (ttfs_rollup_cells.hour >= date_trunc('hour'::text, (now() - '7 days'::interval)))
        UNION ALL
         SELECT ttfs_rollup_cells_delta.hour,
            ttfs_rollup_cells_delta.surface,
            ttfs_rollup_cells_delta.cache_hit,
            ttfs_rollup_cells_delta.m_count,
            ttfs_rollup_cells_delta.m_sum,
            ttfs_rollup_cells_delta.m_min,
            ttfs_rollup_cells_delta.m_max,
            ttfs_rollup_cells_delta.m_over_2000,
            ttfs_rollup_cells_delta.m_over_5000
           FROM scheduler.ttfs_rollup_cells_delta
          WHERE (ttfs_rollup_cells_delta.hour >= date_trunc('hour'::text, (now() - '7 days'::interval)))
        ), agg AS (
         SELECT cells.hour,
            cells.surface,
            cells.cache_hit,
            (sum(cells.m_count))::bigint AS n,
            sum(cells.m_sum) AS s,
            min(cells.m_min) AS mn,
            max(cells.m_max) AS mx,
            (sum(cells.m_over_2000))::bigint AS o2,
            (sum(cells.m_over_5000))::bigint AS o5
           FROM cells
          GROUP BY cells.hour, cells.surface, cells.cache_hit
         HAVING (sum(cells.m_count) > (0)::numeric)
        ), dirty AS (
         SELECT q.hour,
            q.surface,
            q.cache_hit,
            q.p50_ms,
            q.p95_ms,
            q.p99_ms
           FROM scheduler.ttfs_hourly_quantiles(( SELECT COALESCE(jsonb_agg(DISTINCT jsonb_build_object('hour', ttfs_rollup_cells_delta.hour, 'surface', ttfs_rollup_cells_delta.surface, 'cache_hit', ttfs_rollup_cells_delta.cache_hit)), '[]'::jsonb) AS "coalesce"
                   FROM scheduler.ttfs_rollup_cells_delta
                  WHERE ((ttfs_rollup_cells_delta.hour >= date_trunc('hour'::text, (now() - '7 days'::interval))) AND (ttfs_rollup_cells_delta.m_count > 0)))) q(hour, surface, cache_hit, p50_ms, p95_ms, p99_ms)
        )
 SELECT a.hour,
    a.surface,
    a.cache_hit,
    a.n AS event_count,
    (a.s / (a.n)::numeric) AS avg_ms,
    COALESCE(d.p50_ms, s.p50_ms) AS p50_ms,
    COALESCE(d.p95_ms, s.p95_ms) AS p95_ms,
    COALESCE(d.p99_ms, s.p99_ms) AS p99_ms,
    a.mn AS min_ms,
    a.mx AS max_ms,
    a.o2 AS over_p50_slo,
    a.o5 AS over_p95_slo
   FROM ((agg a
     LEFT JOIN dirty d USING (hour, surface, cache_hit))
     LEFT JOIN scheduler.ttfs_summary_hourly s USING (hour, surface, cache_hit));

COMMENT ON VIEW scheduler.ttfs_hourly_summary IS 'Hourly rollup of TTFS metrics for dashboard queries (measurement events: every event_type but signal.start; served from histogram rollups, percentiles within 1%)';

CREATE OR REPLACE VIEW scheduler.ttfs_rollup_buckets_delta AS
 SELECT d.hour,
    d.tenant_id,
    d.surface,
    d.cache_hit,
    u.bucket,
    u.n
   FROM (scheduler.ttfs_rollup_histogram_delta d
     CROSS JOIN LATERAL UNNEST(d.buckets, d.counts) u(bucket, n));

CREATE OR REPLACE VIEW scheduler.ttfs_slo_breaches AS
 WITH cells AS (
         SELECT ttfs_rollup_cells.hour,
            ttfs_rollup_cells.tenant_id,
            ttfs_rollup_cells.surface,
            ttfs_rollup_cells.n_rendered,
            ttfs_rollup_cells.r_over_2000,
            ttfs_rollup_cells.r_over_5000
           FROM scheduler.ttfs_rollup_cells
          WHERE (ttfs_rollup_cells.hour >= date_trunc('hour'::text, (now() - '24:00:00'::interval)))
        UNION ALL
         SELECT ttfs_rollup_cells_delta.hour,
            ttfs_rollup_cells_delta.tenant_id,
            ttfs_rollup_cells_delta.surface,
            ttfs_rollup_cells_delta.n_rendered,
            ttfs_rollup_cells_delta.r_over_2000,
            ttfs_rollup_cells_delta.r_over_5000
           FROM scheduler.ttfs_rollup_cells_delta
          WHERE (ttfs_rollup_cells_delta.hour >= date_trunc('hour'::text, (now() - '24:00:00'::interval)))
        )
 SELECT cells.hour,
    cells.tenant_id,
    cells.surface,
    (sum(cells.n_rendered))::bigint AS total_signals,
    (sum(cells.r_over_2000))::bigint AS p50_breaches,
    (sum(cells.r_over_5000))::bigint AS p95_breaches,
    round(((100.0 * (sum(cells.n_rendered) - sum(cells.r_over_2000))) / NULLIF(sum(cells.n_rendered), (0)::numeric)), 2) AS p50_compliance_pct,
    round(((100.0 * (sum(cells.n_rendered) - sum(cells.r_over_5000))) / NULLIF(sum(cells.n_rendered), (0)::numeric)), 2) AS p95_compliance_pct
   FROM cells
  GROUP BY cells.hour, cells.tenant_id, cells.surface
 HAVING (sum(cells.n_rendered) > (0)::numeric);

COMMENT ON VIEW scheduler.ttfs_slo_breaches IS 'SLO compliance summary for alerting dashboards (signal.rendered events, from rollups)';
