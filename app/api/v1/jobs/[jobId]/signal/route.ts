import { authorize, canSeeTenant } from '@/lib/auth';
import { ApiError, handle } from '@/lib/errors';
import { readJson } from '@/lib/http/json-body';
import { toWebResponse } from '@/lib/http/reply';
import { getSnapshot, runTenant, upsertSnapshot } from '@/lib/queries/signals';
import { jobSignalReply } from '@/lib/signals/lookup';
import { signalWrite } from '@/lib/schemas/signal';
import { z } from 'zod';
import { signalResponse, uuidParam } from '@/lib/signals/respond';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ jobId: string }> };

// The machine lane (lib/http/machine-lane.ts) answers GET in production with the
// same jobSignalReply; this handler serves `next dev` and servers without the lane.
export const GET = handle(async (request: Request, { params }: Context) => {
  const viewer = await authorize(request, { scope: 'signals:read' });
  return toWebResponse(
    await jobSignalReply(viewer, (await params).jobId, request.headers.get('if-none-match')),
  );
});

export const PUT = handle(async (request: Request, { params }: Context) => {
  const viewer = await authorize(request, { scope: 'signals:write' });
  const jobId = z.object({ jobId: uuidParam }).parse(await params).jobId;
  const existing = await getSnapshot(jobId);
  // Another tenant's job answers 404 before anything else, like a missing one would for GET.
  if (existing && !canSeeTenant(viewer, existing.tenant_id)) throw ApiError.notFound('job');
  const input = signalWrite.parse(await readJson(request));
  if (!canSeeTenant(viewer, input.tenant_id))
    throw ApiError.forbidden('You cannot write signals of this tenant.');
  if (existing && existing.tenant_id !== input.tenant_id) {
    throw new ApiError(
      409,
      'tenant_mismatch',
      'This job belongs to another tenant; a job never moves between tenants.',
    );
  }
  // A job joins only a run of its own tenant; an unknown run and another
  // tenant's run read alike (never reveal that a run exists).
  if (input.run_id && (await runTenant(input.run_id)) !== input.tenant_id)
    throw ApiError.validation([{ path: 'run_id', message: 'no run of this tenant has this id' }]);
  const row = await upsertSnapshot(jobId, input);
  return signalResponse(request, row, true, existing ? 200 : 201);
});
