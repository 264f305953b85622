import { z } from 'zod';
import { authorize } from '@/lib/auth';
import { ApiError, handle } from '@/lib/errors';
import { queryParams } from '@/lib/http/query';
import { countJobsByKind, listJobs } from '@/lib/queries/jobs';
import { listTenants } from '@/lib/queries/tenants';
import { jobListFilters } from '@/lib/schemas/signal';
import { toJobListItem } from '@/lib/signals/map';
import { requestedTenants } from '@/lib/tenant-scope';

export const dynamic = 'force-dynamic';

const query = z.object({
  tenant: z.string().max(64).optional(),
  counts: z.enum(['only']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/**
 * The jobs list as JSON: `q` (job or run id prefix of 8+ characters, image
 * prefix, error code), `kind`, `phase`, `tenant` (slug); the counts per kind of
 * the same tenants. `counts=only` answers the counts alone (the jobs page
 * refreshes them live). Used by the jobs page and the CLI (id prefixes).
 */
export const GET = handle(async (request: Request) => {
  const viewer = await authorize(request, { scope: 'signals:read' });
  const search = queryParams(request);
  const params = query.parse(search);
  const filters = jobListFilters.parse(search);
  const picked = requestedTenants(await listTenants(viewer), params.tenant);
  if (!picked) throw ApiError.notFound('tenant');
  const ids = picked.map((t) => t.id);
  const [rows, counts] = await Promise.all([
    params.counts ? [] : listJobs(ids, filters, params.limit),
    countJobsByKind(ids),
  ]);
  return Response.json(
    { ...(params.counts ? {} : { jobs: rows.map(toJobListItem) }), counts },
    { headers: { 'Cache-Control': 'private, no-store' } },
  );
});
