import { sql } from '@/lib/db';
import { ApiError } from '@/lib/errors';
import type { RequestLike } from '@/lib/http/reply';
import { ingestRatePerSecond, SESSION_COOKIE } from './config';
import { readCookie } from './cookies';
import { hasBearer, isCrossOrigin } from './csrf';
import { consume } from './rate-limit';
import { sha256Hex } from './secrets';
import { canSeeTenant, roleAtLeast, type Role, type Scope, type Viewer } from './roles';
import { sessionViewer } from './sessions';
import { cachedTokenViewer, tokenViewer } from './tokens';

// Authentication and authorization of API requests, free of Next.js imports so
// route handlers and the machine lane (lib/http/machine-lane.ts) share it.

export interface Requirement {
  /** Minimum role of a person. Tokens never pass a role-only requirement. */
  role?: Role;
  /** Scope a token must carry; people have the scopes of their role (`scopesForRole`). */
  scope?: Scope;
}

/** Throws 403 unless the viewer meets the requirement. Exported for tests. */
export function check(viewer: Viewer, need: Requirement): Viewer {
  if (viewer.kind === 'token') {
    if (need.scope) {
      if (!viewer.scopes.includes(need.scope))
        throw ApiError.forbidden(`This token lacks the ${need.scope} scope.`);
      return viewer;
    }
    if (need.role)
      throw ApiError.forbidden('This endpoint is for people signed in to the console, not API tokens.');
    return viewer;
  }
  if (need.role && !roleAtLeast(viewer.role, need.role))
    throw ApiError.forbidden(`This needs the ${need.role} role.`);
  if (need.scope && !viewer.scopes.includes(need.scope))
    throw ApiError.forbidden(`Your role cannot use ${need.scope}.`);
  return viewer;
}

const BEARER = /^bearer\s+(\S+)\s*$/i;

/** Who sent the request, or null. A bad bearer token is 401, never a fallback to the cookie. */
export async function requestViewer(request: RequestLike): Promise<Viewer | null> {
  const authorization = request.headers.get('authorization');
  if (authorization !== null) {
    const match = BEARER.exec(authorization);
    const viewer = match ? await tokenViewer(match[1]!) : null;
    if (!viewer) throw ApiError.unauthorized('The bearer token is unknown or revoked.');
    return viewer;
  }
  return sessionViewer(readCookie(request, SESSION_COOKIE));
}

/** The session or token a request authenticates with, as stored (SHA-256), or null. */
export function requestCredential(request: RequestLike): { kind: 'session' | 'token'; hash: string } | null {
  const authorization = request.headers.get('authorization');
  if (authorization !== null) {
    const token = BEARER.exec(authorization)?.[1];
    return token ? { kind: 'token', hash: sha256Hex(token) } : null;
  }
  const session = readCookie(request, SESSION_COOKIE);
  return session ? { kind: 'session', hash: sha256Hex(session) } : null;
}

/** For route handlers. */
export async function authorize(request: RequestLike, need: Requirement = {}): Promise<Viewer> {
  if (!hasBearer(request) && isCrossOrigin(request))
    throw ApiError.forbidden('Cross-origin request refused.');
  const viewer = await requestViewer(request);
  if (!viewer) throw ApiError.unauthorized();
  check(viewer, need);
  if (viewer.kind === 'token' && need.scope === 'telemetry:write') await limitIngest(viewer);
  return viewer;
}

/**
 * authorize() without waiting, for the machine lane's hot path: the viewer when
 * a bearer token this process has cached answers the requirement; undefined
 * when authorize() must ask the database (a person's session, an uncached or
 * unknown token, the ingest rate limit). Throws what authorize() would throw.
 */
export function authorizeCached(request: RequestLike, need: Requirement): Viewer | undefined {
  const authorization = request.headers.get('authorization');
  if (authorization === null || need.scope === 'telemetry:write') return undefined;
  const token = BEARER.exec(authorization)?.[1];
  const viewer = token === undefined ? undefined : cachedTokenViewer(token);
  return viewer && check(viewer, need);
}

async function limitIngest(viewer: Viewer) {
  const rate = ingestRatePerSecond();
  if (!(rate > 0)) return;
  const decision = await consume(sql, `ingest:${viewer.id}`, { capacity: rate * 2, perSecond: rate });
  if (!decision.allowed) {
    throw new ApiError(
      429,
      'rate_limited',
      'Too many ingest requests for this token; retry later.',
      undefined,
      { 'Retry-After': String(decision.retryAfter) },
    );
  }
}

/** Throws 403 unless the viewer may write data of this tenant (e.g. every event of an ingest batch). */
export function assertTenantWritable(viewer: Viewer, tenantId: string): void {
  if (!canSeeTenant(viewer, tenantId)) {
    throw ApiError.forbidden(
      viewer.kind === 'token'
        ? 'This token is bound to another tenant.'
        : 'You have no access to this tenant.',
    );
  }
}
