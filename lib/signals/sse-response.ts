import { requestCredential } from '@/lib/auth/authorize';
import { onCloseAll, subscribe, type Subscriber } from './hub';

const HEARTBEAT_MS = 15_000;
const RETRY_MS = 3_000;

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'Content-Encoding': 'none',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
};

/** What a stream's `setup` may use: write a raw SSE chunk, and whether the stream has ended. */
export interface SseSink {
  send(chunk: string): void;
  readonly closed: boolean;
}

export interface SseSetup {
  /** The hub subscription; the request's credential and sign-out handling are added here. */
  subscriber: Omit<Subscriber, 'credential' | 'onRevoked'>;
  /** Runs after `ready` was sent: every change reaches the client from then on. */
  onReady?(): void;
}

/**
 * A Server-Sent Events response fed by the signal hub, with the framing both
 * signal streams share: `retry` first, then whatever `setup` sends (the
 * initial state), `: ping` heartbeats, `ready` once subscribed, `signed-out`
 * when the credential is revoked, `resync` on shutdown or when the database is
 * unavailable; the stream ends when the client aborts or cancels.
 */
export function hubSseResponse(request: Request, setup: (sink: SseSink) => SseSetup): Response {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let closed = false;
      const send = (chunk: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          cleanup();
        }
      };
      send(`retry: ${RETRY_MS}\n\n`);
      const { subscriber, onReady } = setup({
        send,
        get closed() {
          return closed;
        },
      });

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
          ...subscriber,
          credential: requestCredential(request) ?? undefined,
          onRevoked: () => {
            send(`event: signed-out\ndata: {"reason":"the session or token is no longer valid"}\n\n`);
            cleanup();
          },
        });
        // From here on every change reaches this client.
        send(`event: ready\ndata: {}\n\n`);
        onReady?.();
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

  return new Response(stream, { headers: SSE_HEADERS });
}
