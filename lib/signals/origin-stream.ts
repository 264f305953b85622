import type { Viewer } from '@/lib/auth/roles';
import { ApiError } from '@/lib/errors';
import { getRunSnapshot, runTenant } from '@/lib/queries/signals';
import type { Signal } from '@/lib/schemas/signal';
import { runIdParam, runTenantFromHeader } from './first-signal';
import { requestCredential } from '@/lib/auth/authorize';
import { onCloseAll, subscribe } from './hub';
import { toSignal } from './map';
import { toOriginStreamEvent } from './origin';

export const HEARTBEAT_MS = 15_000;
const RETRY_MS = 3_000;

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

  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      let lastEtag: string | null = null;
      const send = (chunk: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          cleanup();
        }
      };
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
          if (closed) return;
          try {
            const row = await getRunSnapshot(runId, tenantId);
            if (row) sendSignal(toSignal(row));
          } catch {
            send(`event: resync\ndata: {"reason":"database unavailable"}\n\n`);
          }
        });
      };

      send(`retry: ${RETRY_MS}\n\n`);
      if (initial) sendSignal(toSignal(initial));
      const heartbeat = setInterval(() => send(`: ping ${Date.now()}\n\n`), HEARTBEAT_MS);
      let unsubscribe = () => {};
      let unhook = () => {};
      cleanup = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        unhook();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      request.signal.addEventListener('abort', cleanup, { once: true });
      unhook = onCloseAll(() => {
        send(`retry: 1000\nevent: resync\ndata: {"reason":"shutdown"}\n\n`);
        cleanup();
      });
      try {
        unsubscribe = await subscribe({
          runId,
          runTenant: tenantId,
          allowed: [tenantId],
          credential: requestCredential(request) ?? undefined,
          onRevoked: () => {
            send(`event: signed-out\ndata: {"reason":"the session or token is no longer valid"}\n\n`);
            cleanup();
          },
          onSignal: (signal) => {
            if (signal.tenantId === tenantId) reread();
          },
          onResync: () => {
            send(`event: resync\ndata: {"reason":"listener reconnected"}\n\n`);
            reread();
          },
        });
        // From here on every change reaches this client; one that landed between the first read and now is re-read.
        send(`event: ready\ndata: {}\n\n`);
        reread();
      } catch {
        send(`event: resync\ndata: {"reason":"database unavailable"}\n\n`);
        cleanup();
      }
      if (closed) unsubscribe();
    },
    cancel() {
      cleanup();
    },
  });

  return new Response(stream, {
    headers: {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'Content-Encoding': 'none',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    },
  });
}
