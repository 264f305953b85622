import type { Sql } from 'postgres';
import { DEMO_TENANTS } from './tenants';

// Generated inside PostgreSQL so 14 days of telemetry load in seconds.
// - volume follows a daily rhythm (peak mid-afternoon UTC) and tenant weight;
// - TTFS is lognormal: ~0.6 s median for cache hits, ~1.9 s for cold starts;
// - release v2.14.0 brings a regression (cold starts x2.8, hits x1.8, more
//   timeouts) from 20 h to 15 h ago for tenant acme, fixed by v2.14.1.
// Every measurement of the UI surface is preceded by its signal.start marker.
export async function seedDemoTelemetry(sql: Sql, options: { days?: number; perHour?: number } = {}) {
  const days = options.days ?? 14;
  const perHour = options.perHour ?? 30;
  const tenants = DEMO_TENANTS.map((t) => ({ id: t.id, weight: t.weight }));
  const [{ count }] = await sql<[{ count: number }]>`
    with tenants as (
      select * from jsonb_to_recordset(${sql.json(tenants)}) as t(id uuid, weight float8)
    ),
    surfaces(surface, base, factor) as (values ('ui', 1.0, 1.0), ('cli', 0.55, 0.8), ('ci', 0.8, 1.25)),
    hours as (
      select h from generate_series(
        date_trunc('hour', now()) - make_interval(days => ${days}),
        date_trunc('hour', now()), interval '1 hour') as h
    ),
    cells as (
      select h, t.id as tenant_id, s.surface, s.factor,
        greatest(1, round(${perHour} * t.weight * s.base *
          (0.3 + 0.7 * (0.5 + 0.5 * sin(2 * pi() * (extract(hour from h) - 8) / 24)))))::int as n,
        (t.id = ${DEMO_TENANTS[0].id}::uuid
          and h >= date_trunc('hour', now()) - interval '20 hours'
          and h < date_trunc('hour', now()) - interval '15 hours') as incident
      from hours, tenants t, surfaces s
    ),
    draws as (
      select c.*, random() as u1, random() as u2, random() as u3, random() as u4, random() as u5,
        c.h + random() * interval '1 hour' as raw_ts
      from cells c, generate_series(1, c.n)
    ),
    shaped as (
      select d.*,
        least(d.raw_ts, now()) as ts,
        (d.u3 < case when d.incident then 0.55 else 0.78 end) as cache_hit,
        sqrt(-2 * ln(greatest(d.u1, 1e-12))) * cos(2 * pi() * d.u2) as z,
        case
          when d.h < date_trunc('hour', now()) - interval '20 hours' then 'v2.13.0'
          when d.h < date_trunc('hour', now()) - interval '15 hours' then 'v2.14.0'
          else 'v2.14.1' end as release
      from draws d
    ),
    measured as (
      select s.*, gen_random_uuid() as job_id,
        case
          when s.u4 < case when s.incident then 0.04 else 0.004 end then 'signal.timeout'
          when s.u4 < case when s.incident then 0.07 else 0.012 end then 'signal.error'
          when s.u5 < 0.08 then case when s.cache_hit then 'signal.cache_hit' else 'signal.cold_start' end
          else 'signal.rendered' end as event_type,
        least(60000, greatest(40, round(
          exp(case when s.cache_hit then ln(600) else ln(1900) end + s.z * case when s.cache_hit then 0.45 else 0.5 end)
          * s.factor
          * case when s.incident then case when s.cache_hit then 1.8 else 2.8 end else 1 end)))::int as ms
      from shaped s
    ),
    inserted as (
      insert into scheduler.ttfs_events (ts, tenant_id, job_id, surface, event_type, ttfs_ms, cache_hit,
        signal_source, kind, phase, network_state, device, release, error_code, error_message, correlation_id, metadata)
      select m.ts, m.tenant_id, m.job_id, m.surface, m.event_type,
        case m.event_type when 'signal.timeout' then case m.surface when 'ui' then 15000 else 30000 end else m.ms end,
        m.cache_hit,
        case when m.cache_hit then 'snapshot' when m.u5 > 0.93 then 'failure_index' else 'cold_start' end,
        case when m.event_type = 'signal.error' then 'unavailable'
             else (array['queued','started','phase','phase','phase','failed','succeeded'])[1 + floor(m.u2 * 7)::int] end,
        (array['resolve','fetch','restore','analyze','policy','report'])[1 + floor(m.u1 * 6)::int],
        case m.surface when 'ui' then (array['wifi','wifi','4g','ethernet'])[1 + floor(m.u3 * 4)::int] else 'ethernet' end,
        case m.surface when 'ui' then case when m.u2 < 0.2 then 'mobile' else 'desktop' end else m.surface end,
        m.release,
        case m.event_type when 'signal.error' then (array['SNAPSHOT_READ_FAILED','UPSTREAM_503','AUTH_EXPIRED'])[1 + floor(m.u1 * 3)::int]
                          when 'signal.timeout' then 'FIRST_SIGNAL_TIMEOUT' end,
        case m.event_type when 'signal.error' then 'The signal source did not answer'
                          when 'signal.timeout' then 'No signal before the client deadline' end,
        'demo-' || substr(m.job_id::text, 1, 8),
        '{}'::jsonb
      from measured m
      union all
      -- the UI's start markers (ttfs_ms 0): excluded from latency percentiles
      select m.ts - make_interval(secs => m.ms / 1000.0), m.tenant_id, m.job_id, m.surface, 'signal.start', 0,
        m.cache_hit, null, null, null, null, 'desktop', m.release, null, null, 'demo-' || substr(m.job_id::text, 1, 8), '{}'::jsonb
      from measured m where m.surface = 'ui' and m.ts - make_interval(secs => m.ms / 1000.0) > now() - make_interval(days => ${days})
      returning 1
    )
    select count(*)::int as count from inserted`;
  return count;
}
