// A Server-Sent Events client over a route handler's Response, for tests:
// collects events, waits for one, and says when the server ended the stream.

import { EventSourceParserStream } from 'eventsource-parser/stream';

export interface SseEvent {
  event: string;
  data: string;
  /** The event's `id:` field, when it has one. */
  id?: string;
}

export interface SseClient {
  response: Response;
  events: SseEvent[];
  /** The reconnection delay of the last `retry:` field, if any. */
  readonly retry: number | null;
  /** Resolves when the server closes the stream. */
  ended: Promise<void>;
  /** The whole text received so far. */
  text(): string;
  waitFor(pred: (e: SseEvent) => boolean, ms?: number): Promise<SseEvent>;
  close(): void;
}

export async function openSse(
  handler: (request: Request) => Promise<Response>,
  url: string,
  headers: Record<string, string>,
): Promise<SseClient> {
  const controller = new AbortController();
  const response = await handler(new Request(url, { headers, signal: controller.signal }));
  const events: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  let raw = '';
  let retry: number | null = null;
  let ended: Promise<void> = Promise.resolve();
  if (response.body) {
    // Frames are split as the SSE spec says (multi-line data, comments, `retry`).
    const frames = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(
        new TransformStream<string, string>({
          transform(chunk, out) {
            raw += chunk;
            out.enqueue(chunk);
          },
        }),
      )
      .pipeThrough(new EventSourceParserStream({ onRetry: (ms) => (retry = ms) }))
      .getReader();
    ended = (async () => {
      try {
        for (;;) {
          const { done, value } = await frames.read();
          if (done) break;
          events.push({
            event: value.event ?? 'message',
            data: value.data,
            ...(value.id === undefined ? {} : { id: value.id }),
          });
          waiters.splice(0).forEach((w) => w());
        }
      } catch {
        // aborted by the client
      }
    })();
  }
  return {
    response,
    events,
    get retry() {
      return retry;
    },
    ended,
    text: () => raw,
    close: () => controller.abort(),
    waitFor(pred, ms = 5000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(events)}`)), ms);
        const check = () => {
          const hit = events.find(pred);
          if (hit) {
            clearTimeout(deadline);
            resolve(hit);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}
