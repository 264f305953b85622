import { SESSION_COOKIE } from '@/lib/auth/config';
import { readCookie, serializeCookie } from '@/lib/auth/cookies';
import { isCrossOrigin } from '@/lib/auth/csrf';
import { deleteSession } from '@/lib/auth/sessions';
import { ApiError, handle } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** Ends the session (server-side row and cookie); a plain form post, then back to /sign-in. */
export const POST = handle(async (request: Request) => {
  if (isCrossOrigin(request)) throw ApiError.forbidden('Cross-origin request refused.');
  await deleteSession(readCookie(request, SESSION_COOKIE));
  return new Response(null, {
    status: 303,
    headers: {
      Location: '/sign-in?signed_out=1',
      'Set-Cookie': serializeCookie(request, SESSION_COOKIE, '', 0),
      'Cache-Control': 'no-store',
    },
  });
});
