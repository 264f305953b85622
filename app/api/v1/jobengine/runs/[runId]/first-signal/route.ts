import { authorize } from '@/lib/auth';
import { handle } from '@/lib/errors';
import { toWebResponse } from '@/lib/http/reply';
import { runFirstSignalReply } from '@/lib/signals/first-signal';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ runId: string }> };

// The platform's later name for /api/v1/orchestrator/runs/{runId}/first-signal,
// answered the same way (docs/compat.md).
export const GET = handle(async (request: Request, { params }: Context) => {
  const viewer = await authorize(request, { scope: 'signals:read' });
  return toWebResponse(await runFirstSignalReply(viewer, (await params).runId, request.headers));
});
