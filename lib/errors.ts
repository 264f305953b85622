import { ZodError } from 'zod';
import { metrics, routeLabel } from '@/lib/ops/metrics';
import { isShuttingDown } from '@/lib/ops/shutdown';
import { jsonReply, toWebResponse, type Reply } from '@/lib/http/reply';

/** The one error type route handlers throw; `toResponse` maps anything to HTTP. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
  }

  /** 422 for checks zod cannot make (e.g. ones only the database can answer), shaped like zod's. */
  static validation(issues: FieldIssue[]) {
    return new ApiError(
      422,
      'validation_failed',
      'The request did not pass validation; nothing was changed.',
      undefined,
      undefined,
      issues,
    );
  }

  static notFound(what = 'resource') {
    return new ApiError(404, 'not_found', `No such ${what}.`);
  }
  static forbidden(message = 'You are not allowed to do this.') {
    return new ApiError(403, 'forbidden', message);
  }
  static unauthorized(message = 'Sign in or send a valid bearer token.') {
    return new ApiError(401, 'unauthorized', message);
  }
  static badRequest(message: string, details?: unknown) {
    return new ApiError(400, 'bad_request', message, details);
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

/** zod issues as `{ path: "items.3.ttfs_ms", message }`, readable by people and machines. */
export function fieldIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

const DB_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P03',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return typeof code === 'string' && DB_UNAVAILABLE.has(code);
}

/** Any thrown value as a reply: ApiError as it says, zod -> 422, database down -> 503, else 500 without internals. */
export function errorReply(error: unknown, requestId?: string | null): Reply {
  if (error instanceof ApiError) {
    return jsonReply(
      error.status,
      {
        error: error.code,
        message: error.message,
        ...(error.details !== undefined ? { details: error.details } : {}),
        ...(error.issues ? { issues: error.issues } : {}),
      },
      error.headers,
    );
  }
  if (error instanceof ZodError) {
    return jsonReply(422, {
      error: 'validation_failed',
      message: 'The request did not pass validation; nothing was changed.',
      issues: fieldIssues(error),
    });
  }
  if ((error as { code?: string })?.code === '57014') {
    // statement_timeout (lib/db.ts): the request asked for more work than any request may take.
    return jsonReply(
      503,
      {
        error: 'statement_timeout',
        message: 'The request took too long and was stopped. Retry, or narrow it.',
      },
      { 'Retry-After': '5' },
    );
  }
  if (isDatabaseUnavailable(error)) {
    return jsonReply(
      503,
      { error: 'database_unavailable', message: 'The database is not reachable right now. Retry shortly.' },
      { 'Retry-After': '5' },
    );
  }
  // Unexpected: log the detail on the server, never send it to the client.
  console.error(
    JSON.stringify({
      level: 'error',
      msg: 'unhandled route error',
      requestId: requestId ?? undefined,
      error: (error as Error)?.message,
    }),
  );
  return jsonReply(500, { error: 'internal', message: 'Something went wrong on our side.' });
}

export function toResponse(error: unknown, requestId?: string | null): Response {
  return toWebResponse(errorReply(error, requestId));
}

/** Wraps a route handler so every thrown error becomes a proper response. */
export function handle<A extends unknown[]>(fn: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    const started = performance.now();
    let response: Response;
    try {
      response = await fn(...args);
    } catch (error) {
      response = toResponse(error, (args[0] as Request | undefined)?.headers?.get('x-request-id'));
    }
    // Draining: a keep-alive client must not hold the server open forever.
    if (isShuttingDown()) {
      try {
        response.headers.set('Connection', 'close');
      } catch {
        // immutable headers (e.g. a fetched response): leave them
      }
    }
    const request = args[0] as Request | undefined;
    if (request?.url) {
      // Labelled by the route's pattern (the path with its parameters replaced),
      // so unknown or huge ids sent by anyone never add series.
      const context = args[1] as { params?: Promise<Record<string, string | string[]>> } | undefined;
      const params = await Promise.resolve(context?.params).catch(() => undefined);
      metrics.httpDuration.observe(
        {
          method: request.method,
          route: routeLabel(new URL(request.url).pathname, params ?? {}),
          status: String(response.status),
        },
        (performance.now() - started) / 1000,
      );
    }
    return response;
  };
}
