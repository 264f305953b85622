import { authorize } from '@/lib/auth';
import { handle } from '@/lib/errors';
import { toWebResponse } from '@/lib/http/reply';
import { runFirstSignalReply } from '@/lib/signals/first-signal';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ runId: string }> };

// The scanning platform's first-signal API (docs/compat.md); X-Tenant-Id selects
// among the caller's tenants.
export const GET = handle(async (request: Request, { params }: Context) => {
  const viewer = await authorize(request, { scope: 'signals:read' });
  return toWebResponse(await runFirstSignalReply(viewer, (await params).runId, request.headers));
});
