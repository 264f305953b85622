import { SESSION_COOKIE } from '@/lib/auth/config';
import { readCookie, serializeCookie } from '@/lib/auth/cookies';
import { isCrossOrigin } from '@/lib/auth/csrf';
import { sha256Hex } from '@/lib/auth/secrets';
import { deleteSession } from '@/lib/auth/sessions';
import { endStreamsOf } from '@/lib/signals/hub';
import { ApiError, handle } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** Ends the session (server-side row and cookie); a plain form post, then back to /sign-in. */
export const POST = handle(async (request: Request) => {
  if (isCrossOrigin(request)) throw ApiError.forbidden('Cross-origin request refused.');
  const session = readCookie(request, SESSION_COOKIE);
  await deleteSession(session);
  // Its open live streams end now on this instance, within the recheck interval on others.
  if (session) endStreamsOf({ kind: 'session', hash: sha256Hex(session) });
  return new Response(null, {
    status: 303,
    headers: {
      Location: '/sign-in?signed_out=1',
      'Set-Cookie': serializeCookie(request, SESSION_COOKIE, '', 0),
      'Cache-Control': 'no-store',
    },
  });
});
