import 'server-only';
import { ApiError } from '@/lib/errors';
import { tenantIdBySlug } from '@/lib/queries/tenants';
import { tenantHeader } from '@/lib/schemas/origin';
import { canSeeTenant, type Viewer } from './roles';

/**
 * The tenant an `X-Tenant-Id` request selects among the caller's tenants.
 * Missing or malformed: 400 naming the header. A tenant that does not exist or
 * that the caller may not read gives `notFound` (404 like an unknown object),
 * so the answer never tells whether another tenant exists.
 */
export async function tenantFromHeader(
  viewer: Viewer,
  headers: { get(name: string): string | null },
  notFound: () => ApiError,
): Promise<string> {
  const parsed = tenantHeader.safeParse(headers.get('x-tenant-id') ?? undefined);
  if (!parsed.success)
    throw new ApiError(
      400,
      'bad_request',
      'Send the tenant in the X-Tenant-Id header.',
      undefined,
      undefined,
      [{ path: 'headers.x-tenant-id', message: parsed.error.issues[0]!.message }],
    );
  const tenant = parsed.data;
  const id = 'id' in tenant ? tenant.id : await tenantIdBySlug(tenant.slug);
  if (!id || !canSeeTenant(viewer, id)) throw notFound();
  return id;
}
