/** The caller's X-Request-Id when it looks like one, else a new one: the key to a request's log lines. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && /^[\w-]{8,64}$/.test(header) ? header : crypto.randomUUID();
}
