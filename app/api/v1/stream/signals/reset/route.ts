import { authorize } from '@/lib/auth';
import { handle } from '@/lib/errors';
import { closeAllStreams, hubStats } from '@/lib/signals/hub';

export const dynamic = 'force-dynamic';

/**
 * Ends every SSE stream of this instance with a reconnect hint, e.g. to drain
 * an instance before taking it out of a load balancer. Clients reconnect
 * (possibly elsewhere) and re-read their signals.
 */
export const POST = handle(async (request: Request) => {
  await authorize(request, { role: 'admin' });
  const { openStreams } = hubStats();
  closeAllStreams();
  return Response.json({ closed: openStreams });
});
