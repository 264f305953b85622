import { NextResponse, type NextRequest } from 'next/server';
import { isSecureRequest, SESSION_COOKIE } from '@/lib/auth/config';
import { hasBearer, isCrossOrigin } from '@/lib/auth/csrf';
import { API_CSP, contentSecurityPolicy, securityHeaders } from '@/lib/auth/headers';
import { requestIdFrom } from '@/lib/http/request-id';
import { isPublicPage, pageRole } from '@/lib/auth/pages';
import { roleAtLeast } from '@/lib/auth/roles';
import { sessionViewer } from '@/lib/auth/sessions';

// Runs before every request (Node.js runtime): refuses cross-origin
// state-changing cookie requests, sends people without a session to /sign-in
// and people without the page's role to a 403 before the page streams, and
// adds the security headers with a fresh CSP nonce. Route handlers authorize
// themselves through `authorize()`; this gate is the page-level first layer.
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const https = isSecureRequest(request);
  const api = pathname.startsWith('/api/');

  if (!hasBearer(request) && isCrossOrigin(request)) {
    return withHeaders(
      NextResponse.json({ error: 'forbidden', message: 'Cross-origin request refused.' }, { status: 403 }),
      https,
      null,
    );
  }

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-ttfs-path', `${pathname}${search}`);
  // One id per request, in logs and in the response, to find a request's log lines.
  const requestId = requestIdFrom(request.headers.get('x-request-id'));
  requestHeaders.set('x-request-id', requestId);
  const nonce = api ? null : Buffer.from(crypto.randomUUID()).toString('base64');
  if (nonce)
    requestHeaders.set(
      'content-security-policy',
      contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development', https }),
    );

  if (!api && !isPublicPage(pathname)) {
    let viewer;
    try {
      viewer = await sessionViewer(request.cookies.get(SESSION_COOKIE)?.value);
    } catch {
      // Database down: let the page render its own error state.
      viewer = undefined;
    }
    if (viewer === null) {
      const target = new URL('/sign-in', request.url);
      target.searchParams.set('next', `${pathname}${search}`);
      return withHeaders(NextResponse.redirect(target), https, nonce);
    }
    if (viewer && !roleAtLeast(viewer.role, pageRole(pathname))) {
      return withHeaders(
        NextResponse.rewrite(new URL('/forbidden', request.url), {
          status: 403,
          request: { headers: requestHeaders },
        }),
        https,
        nonce,
      );
    }
  }
  const response = withHeaders(NextResponse.next({ request: { headers: requestHeaders } }), https, nonce);
  response.headers.set('x-request-id', requestId);
  return response;
}

function withHeaders(response: NextResponse, https: boolean, nonce: string | null) {
  for (const [name, value] of Object.entries(securityHeaders({ https }))) response.headers.set(name, value);
  response.headers.set(
    'Content-Security-Policy',
    nonce ? contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development', https }) : API_CSP,
  );
  return response;
}

export const config = {
  // Static build output needs no gate; everything else (pages and API) passes here.
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
