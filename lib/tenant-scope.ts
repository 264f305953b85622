import type { Viewer } from '@/lib/auth/roles';
import type { Tenant } from '@/lib/queries/tenants';

/**
 * The tenant ids a page should query: the one picked in the `tenant` search
 * parameter (by slug) when the viewer may see it, else every visible tenant.
 */
export function selectedTenants(tenants: Tenant[], param: string | string[] | undefined, _viewer?: Viewer) {
  const slug = Array.isArray(param) ? param[0] : param;
  const picked = slug ? tenants.find((t) => t.slug === slug) : undefined;
  return { picked: picked ?? null, ids: picked ? [picked.id] : tenants.map((t) => t.id) };
}
