import type { Tenant } from '@/lib/queries/tenants';

/**
 * The tenant ids a page should query: the one picked in the `tenant` search
 * parameter (by slug) when the viewer may see it, else every visible tenant.
 */
export function selectedTenants(tenants: Tenant[], param: string | string[] | undefined) {
  const slug = Array.isArray(param) ? param[0] : param;
  const picked = slug ? tenants.find((t) => t.slug === slug) : undefined;
  return { picked: picked ?? null, ids: picked ? [picked.id] : tenants.map((t) => t.id) };
}

/**
 * The tenants an API request asks for with `tenant` (a slug or an id): that one, or every visible
 * tenant without the parameter; null when it names none the viewer may see (the routes answer 404).
 */
export function requestedTenants(visible: Tenant[], ref: string | undefined): Tenant[] | null {
  if (!ref) return visible;
  const picked = visible.filter((t) => t.slug === ref || t.id === ref);
  return picked.length > 0 ? picked : null;
}
