import { authorize, canSeeTenant } from '@/lib/auth';
import { ApiError, handle } from '@/lib/errors';
import { getRunSnapshot, runTenant } from '@/lib/queries/signals';
import { z } from 'zod';
import { signalResponse, uuidParam } from '@/lib/signals/respond';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ runId: string }> };

export const GET = handle(async (request: Request, { params }: Context) => {
  const viewer = await authorize(request, { scope: 'signals:read' });
  const runId = z.object({ runId: uuidParam }).parse(await params).runId;
  // The run's tenant decides who sees it; unknown or another tenant's: 404.
  const tenant = await runTenant(runId);
  if (!tenant || !canSeeTenant(viewer, tenant)) throw ApiError.notFound('run');
  const row = await getRunSnapshot(runId, tenant);
  if (row) return signalResponse(request, row, true);
  // A known run without jobs yet: 204.
  return new Response(null, { status: 204, headers: { 'Cache-Control': 'private, no-cache' } });
});
