import type { RequestLike } from '@/lib/http/reply';
// Cross-site request forgery: a cookie-authenticated state-changing request must
// come from our own origin. Same algorithm as Go's net/http
// CrossOriginProtection: trust Sec-Fetch-Site when the browser sends it, else
// compare Origin with Host; a request with neither header is not from a
// browser (which sends at least one on every non-GET request), so no victim's
// cookies can be riding on it. SameSite=Lax on the session cookie is the
// second layer. Requests with a bearer token carry no ambient credentials and
// need no check.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

export function hasBearer(request: RequestLike): boolean {
  return /^bearer\s/i.test(request.headers.get('authorization') ?? '');
}

/** True when a state-changing request comes from another origin. */
export function isCrossOrigin(request: RequestLike): boolean {
  if (isSafeMethod(request.method)) return false;
  const site = request.headers.get('sec-fetch-site');
  if (site) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.get('origin');
  if (!origin) return false;
  if (origin === 'null') return true;
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() || request.headers.get('host');
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
