import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorize, authorizeCached } from '@/lib/auth/authorize';
import { isSecureRequest } from '@/lib/auth/config';
import { apiResponseHeaders } from '@/lib/auth/headers';
import { errorReply } from '@/lib/errors';
import { metrics } from '@/lib/ops/metrics';
import { isShuttingDown } from '@/lib/ops/shutdown';
import { jobSignalReply } from '@/lib/signals/lookup';
import { INGEST_BODY, ingestTelemetry } from '@/lib/telemetry/ingest';
import { readNodeBodyBytes } from './json-body';
import { jsonReply, type Reply, type RequestLike } from './reply';
import { requestIdFrom } from './request-id';

// The machine lane: the two hot machine-facing endpoints (job signal lookups and
// telemetry ingest) answered straight from Node's HTTP server, in front of
// Next.js, whose request pipeline costs more CPU per request than the work
// itself (docs/performance.md). The same handlers (authorize, jobSignalReply,
// ingestTelemetry) run here without it.
// Everything else, including every other method on these paths, goes to
// Next.js. Behaviour is the same as the route handlers' and the proxy's
// (status codes, bodies, security headers, request ids, metrics), which
// tests/integration/machine-lane.test.ts checks side by side.

const HTTP_HEADERS = Object.entries(apiResponseHeaders({ https: false })).flat();
const HTTPS_HEADERS = Object.entries(apiResponseHeaders({ https: true })).flat();

/** A reply at once when the process's caches can give it, else a promise of one. */
type Handler = (request: LaneRequest, match: string) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: RegExp;
  /** The metrics label, as routeLabel() would give it. */
  label: string;
  handler: Handler;
}

const routes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v1\/jobs\/([^/]+)\/signal$/,
    label: '/api/v1/jobs/:id/signal',
    handler: jobSignal,
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/telemetry\/ttfs$/,
    label: '/api/v1/telemetry/ttfs',
    handler: telemetry,
  },
];

/** A Node request seen through the RequestLike interface the shared handlers read. */
class LaneRequest implements RequestLike {
  readonly headers: { get(name: string): string | null };
  constructor(readonly raw: IncomingMessage) {
    const source = raw.headers;
    this.headers = {
      get(name: string) {
        const value = source[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    };
  }
  get method() {
    return this.raw.method ?? 'GET';
  }
  get url() {
    return `http://${this.raw.headers.host ?? 'localhost'}${this.raw.url ?? '/'}`;
  }
}

// A repeated lookup (a CLI or CI job polling its signal) is answered in the same
// tick when the token and the signal are cached: no promise chain, no microtasks.
const READ_SIGNALS = { scope: 'signals:read' } as const;

function jobSignal(request: LaneRequest, jobId: string): Reply | Promise<Reply> {
  const ifNoneMatch = request.headers.get('if-none-match');
  const viewer = authorizeCached(request, READ_SIGNALS);
  if (viewer) return jobSignalReply(viewer, jobId, ifNoneMatch);
  return authorize(request, READ_SIGNALS).then((who) => jobSignalReply(who, jobId, ifNoneMatch));
}

async function telemetry(request: LaneRequest): Promise<Reply> {
  const viewer = await authorize(request, { scope: 'telemetry:write' });
  const outcome = await ingestTelemetry(viewer, await readNodeBodyBytes(request, INGEST_BODY));
  return jsonReply(202, outcome);
}

/**
 * Answers the request when it is one of the lane's routes and returns true;
 * returns false (and touches nothing) for anything Next.js should serve.
 */
export function machineLane(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const pathname = query < 0 ? url : url.slice(0, query);
  if (!pathname.startsWith('/api/v1/')) return false;
  for (const route of routes) {
    if (route.method !== req.method) continue;
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    let param = '';
    if (match[1] !== undefined) {
      try {
        param = decodeURIComponent(match[1]);
      } catch {
        return false; // malformed escapes: Next.js answers those
      }
    }
    serve(new LaneRequest(req), res, route, param);
    return true;
  }
  return false;
}

function serve(request: LaneRequest, res: ServerResponse, route: Route, param: string) {
  const started = performance.now();
  const requestId = requestIdFrom(request.headers.get('x-request-id'));
  let reply: Reply | Promise<Reply>;
  try {
    reply = route.handler(request, param);
  } catch (error) {
    reply = errorReply(error, requestId);
  }
  if (!(reply instanceof Promise)) send(request, res, route, requestId, reply, started);
  else
    reply.then(
      (answer) => send(request, res, route, requestId, answer, started),
      (error: unknown) => send(request, res, route, requestId, errorReply(error, requestId), started),
    );
}

/**
 * A declared body not read to its end. Not `!raw.complete` alone: a cached reply
 * is written inside the 'request' event, before Node's parser marks even a
 * body-less GET complete.
 */
function bodyLeftUnread(raw: IncomingMessage): boolean {
  if (raw.complete) return false;
  const length = raw.headers['content-length'];
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function send(
  request: LaneRequest,
  res: ServerResponse,
  route: Route,
  requestId: string,
  reply: Reply,
  started: number,
) {
  // A flat [name, value, ...] list: Node writes it without walking an object.
  const headers: (string | number)[] = [
    ...(isSecureRequest(request) ? HTTPS_HEADERS : HTTP_HEADERS),
    'X-Request-Id',
    requestId,
  ];
  for (const name in reply.headers) headers.push(name, reply.headers[name]!);
  if (reply.body !== null)
    headers.push(
      'Content-Length',
      typeof reply.body === 'string' ? Buffer.byteLength(reply.body) : reply.body.length,
    );
  // Draining, or a body left unread (413): do not keep the connection.
  if (isShuttingDown() || bodyLeftUnread(request.raw)) headers.push('Connection', 'close');
  if (held.push({ res, status: reply.status, headers, body: reply.body, route, started }) === 1)
    setImmediate(writeHeld);
}

// Replies are written together at the end of the event-loop turn that made
// them (one setImmediate, after the turn's I/O callbacks), not one by one as
// each is ready: most of a small write's cost is waking the reader on another
// CPU, and back-to-back writes wake it once per turn instead of once per reply.
// At low load a turn holds one request and the wait is microseconds.
interface HeldReply {
  res: ServerResponse;
  status: number;
  headers: (string | number)[];
  body: string | Buffer | null;
  route: Route;
  started: number;
}
const held: HeldReply[] = [];

function writeHeld() {
  for (const { res, status, headers, body, route, started } of held.splice(0)) {
    if (!res.headersSent && !res.destroyed) {
      try {
        res.writeHead(status, headers as unknown as string[]);
        res.end(body ?? undefined);
      } catch {
        res.destroy(); // one unwritable reply must not keep the others from going out
      }
    }
    metrics.httpDuration.observe(
      { method: route.method, route: route.label, status: String(status) },
      (performance.now() - started) / 1000,
    );
  }
}
