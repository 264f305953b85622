import { ZodError } from 'zod';
import { assertTenantWritable, authorize } from '@/lib/auth';
import { createApiToken, listApiTokens } from '@/lib/auth/tokens';
import { handle } from '@/lib/errors';
import { readJson } from '@/lib/http/json-body';
import { listTenants } from '@/lib/queries/tenants';
import { CreateTokenSchema } from '@/lib/schemas/token';

export const dynamic = 'force-dynamic';

/** API tokens of the tenants the admin sees (prefix only, never the secret). */
export const GET = handle(async (request: Request) => {
  const viewer = await authorize(request, { role: 'admin' });
  const tokens = await listApiTokens(viewer.tenants);
  return Response.json({ tokens }, { headers: { 'Cache-Control': 'private, no-store' } });
});

/** Creates a token bound to one tenant and scopes; the response is the only time the secret is shown. */
export const POST = handle(async (request: Request) => {
  const viewer = await authorize(request, { role: 'admin' });
  const input = CreateTokenSchema.parse(await readJson(request));
  assertTenantWritable(viewer, input.tenantId);
  const known = (await listTenants(viewer)).some((t) => t.id === input.tenantId);
  if (!known)
    throw new ZodError([
      { code: 'custom', path: ['tenantId'], message: 'No such tenant', input: input.tenantId },
    ]);
  const created = await createApiToken({ ...input, createdBy: viewer.kind === 'user' ? viewer.id : null });
  return Response.json(
    {
      id: created.id,
      token: created.token,
      prefix: created.prefix,
      name: input.name,
      tenantId: input.tenantId,
      scopes: input.scopes,
      createdAt: created.createdAt,
      expiresAt: created.expiresAt,
    },
    { status: 201, headers: { 'Cache-Control': 'no-store' } },
  );
});
