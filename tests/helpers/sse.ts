// A Server-Sent Events client over a route handler's Response, for tests:
// collects events, waits for one, and says when the server ended the stream.

export interface SseEvent {
  event: string;
  data: string;
}

export interface SseClient {
  response: Response;
  events: SseEvent[];
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
  let ended: Promise<void> = Promise.resolve();
  if (response.body) {
    ended = (async () => {
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const chunk = decoder.decode(value, { stream: true });
          raw += chunk;
          buffer += chunk;
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event =
              /^event: (.*)$/m.exec(block)?.[1] ?? (block.startsWith(':') ? 'comment' : 'message');
            events.push({ event, data: /^data: (.*)$/m.exec(block)?.[1] ?? '' });
            waiters.splice(0).forEach((w) => w());
          }
        }
      } catch {
        // aborted by the client
      }
    })();
  }
  return {
    response,
    events,
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
