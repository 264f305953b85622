// A response as plain data, so one handler can answer through a Next.js route
// handler (Web `Response`) or through the machine lane (Node `ServerResponse`).

export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** Serialized body (text, or UTF-8 bytes); null for 204/304. */
  body: string | Buffer | null;
}

/** The parts of a request the shared handlers read: a Web `Request` fits, and so does the lane's adapter. */
export interface RequestLike {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
}

export function jsonReply(status: number, data: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(data) };
}

export function toWebResponse(reply: Reply): Response {
  return new Response(reply.body as BodyInit | null, { status: reply.status, headers: reply.headers });
}
