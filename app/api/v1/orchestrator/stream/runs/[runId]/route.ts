import { authorize } from '@/lib/auth';
import { handle } from '@/lib/errors';
import { originRunStream } from '@/lib/signals/origin-stream';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ runId: string }> };

// The scanning platform's run stream: `first_signal` events (docs/compat.md).
export const GET = handle(async (request: Request, { params }: Context) => {
  const viewer = await authorize(request, { scope: 'signals:read' });
  return originRunStream(request, viewer, (await params).runId);
});
