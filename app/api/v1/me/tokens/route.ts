import { authorize } from '@/lib/auth';
import { createPersonalToken, listPersonalTokens, PERSONAL_SCOPES } from '@/lib/auth/tokens';
import { handle } from '@/lib/errors';
import { readJson } from '@/lib/http/json-body';
import { CreatePersonalTokenSchema } from '@/lib/schemas/token';

export const dynamic = 'force-dynamic';

/** The signed-in person's own CLI tokens (prefix only). */
export const GET = handle(async (request: Request) => {
  const viewer = await authorize(request, { role: 'support' });
  const tokens = await listPersonalTokens(viewer.id);
  return Response.json({ tokens }, { headers: { 'Cache-Control': 'private, no-store' } });
});

/**
 * Mints a personal token from a signed-in session (a token cannot mint one):
 * signals:read and telemetry:write over the person's tenants, for at most 90
 * days. The response is the only time the secret is shown.
 */
export const POST = handle(async (request: Request) => {
  const viewer = await authorize(request, { role: 'support' });
  // No body takes the defaults; a body is read like every other (lib/http/json-body.ts).
  const input = CreatePersonalTokenSchema.parse(request.body === null ? {} : await readJson(request));
  const created = await createPersonalToken({ userId: viewer.id, ...input });
  return Response.json(
    {
      id: created.id,
      token: created.token,
      prefix: created.prefix,
      name: input.name,
      scopes: PERSONAL_SCOPES,
      createdAt: created.createdAt,
      expiresAt: created.expiresAt,
    },
    { status: 201, headers: { 'Cache-Control': 'no-store' } },
  );
});
