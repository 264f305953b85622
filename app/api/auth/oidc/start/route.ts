import { OIDC_COOKIE } from '@/lib/auth/config';
import { serializeCookie } from '@/lib/auth/cookies';
import { signInFailedHeaders, startOidcLogin } from '@/lib/auth/oidc';

export const dynamic = 'force-dynamic';

/** Sends the browser to the OIDC issuer (authorization code + PKCE). */
export async function GET(request: Request) {
  try {
    const { url, loginId, maxAge } = await startOidcLogin(
      request,
      new URL(request.url).searchParams.get('next'),
    );
    return new Response(null, {
      status: 303,
      headers: {
        Location: url.href,
        'Set-Cookie': serializeCookie(request, OIDC_COOKIE, loginId, maxAge, '/api/auth/oidc'),
        'Cache-Control': 'no-store',
      },
    });
  } catch (error) {
    return new Response(null, { status: 303, headers: signInFailedHeaders(error, 'discovery') });
  }
}
