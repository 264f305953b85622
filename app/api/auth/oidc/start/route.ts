import { OIDC_COOKIE } from '@/lib/auth/config';
import { serializeCookie } from '@/lib/auth/cookies';
import { OidcSignInError, startOidcLogin } from '@/lib/auth/oidc';

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
    const reason = error instanceof OidcSignInError ? error.reason : 'issuer_unreachable';
    if (!(error instanceof OidcSignInError))
      console.error(
        JSON.stringify({ level: 'error', msg: 'oidc discovery failed', error: (error as Error).message }),
      );
    return new Response(null, {
      status: 303,
      headers: { Location: `/sign-in?error=${reason}`, 'Cache-Control': 'no-store' },
    });
  }
}
