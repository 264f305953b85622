import { authorize } from '@/lib/auth';
import { handle } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/** Who the request is: a person (role, tenants) or a token (tenant, scopes). */
export const GET = handle(async (request: Request) => {
  const viewer = await authorize(request);
  return Response.json(
    {
      kind: viewer.kind,
      id: viewer.id,
      name: viewer.name,
      role: viewer.kind === 'user' ? viewer.role : null,
      tenants: viewer.tenants,
      scopes: viewer.scopes,
      expiresAt: viewer.expiresAt ? new Date(viewer.expiresAt).toISOString() : null,
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  );
});
