import type { Viewer } from '@/lib/auth/roles';
import { ApiError } from '@/lib/errors';
import { getRunSnapshot, runTenant } from '@/lib/queries/signals';
import type { Signal } from '@/lib/schemas/signal';
import { runIdParam, runTenantFromHeader } from './first-signal';
import { toSignal } from './map';
import { toOriginStreamEvent } from './origin';
import { hubSseResponse } from './sse-response';

/**
 * GET /api/v1/orchestrator/stream/runs/{runId} (and /api/v1/jobengine/…):
 * Server-Sent Events in the platform's shape. The run's current signal first,
 * then one `first_signal` event each time the run's signal changes (its most
 * relevant job, as GET …/first-signal answers, re-read on each change of one of
 * its jobs and sent when its ETag differs). Heartbeats, `retry`, `ready` and
 * `resync` as the console's own stream (docs/signals.md). Tenant rules as the
 * first-signal API: checked before the stream opens and again on every delivery.
 */
export async function originRunStream(request: Request, viewer: Viewer, rawRunId: string): Promise<Response> {
  const tenantId = await runTenantFromHeader(viewer, request.headers);
  const runId = runIdParam(rawRunId);
  const initial = await getRunSnapshot(runId, tenantId);
  if (!initial && !(await runTenant(runId, tenantId))) throw ApiError.notFound('run');

  return hubSseResponse(request, (sink) => {
    const { send } = sink;
    let lastEtag: string | null = null;
    const sendSignal = (signal: Signal) => {
      if (signal.tenantId !== tenantId || signal.runId !== runId) return;
      const event = toOriginStreamEvent(runId, signal);
      if (event.etag === lastEtag) return;
      lastEtag = event.etag;
      send(`id: ${Date.parse(signal.updatedAt)}\nevent: first_signal\ndata: ${JSON.stringify(event)}\n\n`);
    };
    // One re-read at a time, in order; changes arriving meanwhile share the next one.
    let reading: Promise<void> = Promise.resolve();
    let queued = false;
    const reread = () => {
      if (queued) return;
      queued = true;
      reading = reading.then(async () => {
        queued = false;
        if (sink.closed) return;
        try {
          const row = await getRunSnapshot(runId, tenantId);
          if (row) sendSignal(toSignal(row));
        } catch {
          send(`event: resync\ndata: {"reason":"database unavailable"}\n\n`);
        }
      });
    };

    if (initial) sendSignal(toSignal(initial));
    return {
      subscriber: {
        runId,
        runTenant: tenantId,
        allowed: [tenantId],
        onSignal: (signal) => {
          if (signal.tenantId === tenantId) reread();
        },
        onResync: () => {
          send(`event: resync\ndata: {"reason":"listener reconnected"}\n\n`);
          reread();
        },
      },
      // A change that landed between the first read and the subscription is re-read.
      onReady: reread,
    };
  });
}
