import { authorize } from '@/lib/auth';
import { handle } from '@/lib/errors';
import { latencySeries } from '@/lib/queries/dashboard';
import { listTenants } from '@/lib/queries/tenants';
import { dashboardFilters, windowFor } from '@/lib/schemas/dashboard';
import { selectedTenants } from '@/lib/tenant-scope';
import { queryParams } from '@/lib/http/query';

export const dynamic = 'force-dynamic';

/** The latency chart's data as CSV, with the same URL filters as the overview. */
export const GET = handle(async (request: Request) => {
  const viewer = await authorize(request, { role: 'viewer' });
  const search = queryParams(request);
  const filters = dashboardFilters.parse(search);
  const { ids } = selectedTenants(await listTenants(viewer), search.tenant);
  const window = windowFor(filters.range);
  const points = await latencySeries(
    window,
    { tenantIds: ids, surface: filters.surface, cache: filters.cache },
    filters.split,
  );
  const lines = [
    'bucket_utc,series,events,p50_ms,p95_ms,p99_ms,over_2000,over_5000,errors,timeouts,cache_hits',
  ];
  for (const p of points) {
    lines.push(
      [
        p.bucket.toISOString(),
        p.series,
        p.events,
        p.p50?.toFixed(1) ?? '',
        p.p95?.toFixed(1) ?? '',
        p.p99?.toFixed(1) ?? '',
        p.over2000,
        p.over5000,
        p.errors,
        p.timeouts,
        p.cacheHits,
      ].join(','),
    );
  }
  return new Response(`${lines.join('\n')}\n`, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="ttfs-${filters.range}-${filters.split}.csv"`,
      'Cache-Control': 'private, no-store',
    },
  });
});
