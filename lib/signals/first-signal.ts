import { z } from 'zod';
import { tenantFromHeader } from '@/lib/auth/tenant-header';
import type { Viewer } from '@/lib/auth/roles';
import { cachedRunSignal, storeRunSignal } from '@/lib/cache/run-cache';
import { cacheTicket } from '@/lib/cache/lookup-cache';
import { ApiError } from '@/lib/errors';
import type { Reply } from '@/lib/http/reply';
import { getRunSnapshot, runTenant } from '@/lib/queries/signals';
import { ensureHubListening } from './hub';
import { noSignalReply, originReply, renderOrigin } from './origin';
import { uuidParam } from './respond';

const params = z.object({ runId: uuidParam });

/** The run id from the path: 400 naming the parameter (the platform's clients expect 400 here). */
export function runIdParam(raw: string): string {
  const parsed = params.safeParse({ runId: raw });
  if (!parsed.success)
    throw new ApiError(400, 'bad_request', 'The run id must be a UUID.', undefined, undefined, [
      { path: 'runId', message: 'must be a UUID' },
    ]);
  return parsed.data.runId.toLowerCase();
}

/** The tenant X-Tenant-Id selects; a tenant the caller may not read is answered like an unknown run. */
export function runTenantFromHeader(viewer: Viewer, headers: { get(name: string): string | null }) {
  return tenantFromHeader(viewer, headers, () => ApiError.notFound('run'));
}

/**
 * GET /api/v1/orchestrator/runs/{runId}/first-signal (and /api/v1/jobengine/…)
 * for an authorized viewer: 200 (or 304) with the run's most relevant job's
 * signal in the platform's shape, 204 when the run has no signal yet, 404 when
 * the run is not the selected tenant's, 400 for a bad tenant header or id.
 */
export async function runFirstSignalReply(
  viewer: Viewer,
  rawRunId: string,
  headers: { get(name: string): string | null },
): Promise<Reply> {
  const tenantId = await runTenantFromHeader(viewer, headers);
  const runId = runIdParam(rawRunId);
  const ifNoneMatch = headers.get('if-none-match');
  const cached = cachedRunSignal(tenantId, runId);
  if (cached) return originReply(cached, ifNoneMatch, 'hit');
  ensureHubListening();
  const ticket = cacheTicket();
  const row = await getRunSnapshot(runId, tenantId);
  if (row) {
    const rendered = renderOrigin(runId, row, true);
    storeRunSignal(tenantId, runId, ticket, rendered);
    return originReply(rendered, ifNoneMatch, 'miss');
  }
  if (!(await runTenant(runId, tenantId))) throw ApiError.notFound('run');
  return noSignalReply();
}
