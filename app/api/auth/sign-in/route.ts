import { z } from 'zod';
import { safeReturnPath } from '@/lib/auth/claims';
import { demoUsersEnabled, SESSION_COOKIE } from '@/lib/auth/config';
import { serializeCookie } from '@/lib/auth/cookies';
import { isCrossOrigin } from '@/lib/auth/csrf';
import { createSession } from '@/lib/auth/sessions';
import { limitedSignIn } from '@/lib/auth/sign-in';
import { checkLocalPassword } from '@/lib/auth/users';
import { ApiError, handle } from '@/lib/errors';
import { readJson } from '@/lib/http/json-body';

export const dynamic = 'force-dynamic';

const SignIn = z.object({
  username: z.string().trim().min(1).max(120),
  password: z.string().min(1).max(200),
  next: z.string().max(2000).optional(),
});

/** Password sign-in of the local demo users; only in demo mode. */
export const POST = handle(async (request: Request) => {
  // Login CSRF: a foreign page must not sign the browser in to our app.
  if (isCrossOrigin(request)) throw ApiError.forbidden('Cross-origin request refused.');
  if (!demoUsersEnabled())
    throw new ApiError(404, 'not_found', 'Password sign-in is only available in demo mode.');
  const body = SignIn.parse(await readJson(request));
  const userId = await limitedSignIn(request, body.username, () =>
    checkLocalPassword(body.username, body.password),
  );
  if (!userId) throw ApiError.unauthorized('Wrong user name or password.');
  const session = await createSession(userId);
  return Response.json(
    { ok: true, next: safeReturnPath(body.next) },
    {
      headers: {
        'Set-Cookie': serializeCookie(request, SESSION_COOKIE, session.id, session.maxAge),
        'Cache-Control': 'no-store',
      },
    },
  );
});
