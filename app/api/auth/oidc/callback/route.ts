import { OIDC_COOKIE, SESSION_COOKIE } from '@/lib/auth/config';
import { readCookie, serializeCookie } from '@/lib/auth/cookies';
import { finishOidcLogin, signInFailedHeaders } from '@/lib/auth/oidc';

export const dynamic = 'force-dynamic';

/** The issuer's redirect back: exchanges the code and opens a session. */
export async function GET(request: Request) {
  const clearLogin = serializeCookie(request, OIDC_COOKIE, '', 0, '/api/auth/oidc');
  try {
    const { sessionId, maxAge, returnTo } = await finishOidcLogin(request, readCookie(request, OIDC_COOKIE));
    const headers = new Headers({ Location: returnTo, 'Cache-Control': 'no-store' });
    headers.append('Set-Cookie', clearLogin);
    headers.append('Set-Cookie', serializeCookie(request, SESSION_COOKIE, sessionId, maxAge));
    return new Response(null, { status: 303, headers });
  } catch (error) {
    const headers = signInFailedHeaders(error, 'callback');
    headers.append('Set-Cookie', clearLogin);
    return new Response(null, { status: 303, headers });
  }
}
