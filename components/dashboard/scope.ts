import 'server-only';
import { cache } from 'react';
import { currentViewer } from '@/lib/auth';
import type { Scope } from '@/lib/queries/dashboard';
import { listTenants } from '@/lib/queries/tenants';
import { dashboardFilters, windowFor, type DashboardFilters, type Window } from '@/lib/schemas/dashboard';
import { selectedTenants } from '@/lib/tenant-scope';

export type Search = Record<string, string | string[] | undefined>;

export interface DashboardContext {
  filters: DashboardFilters;
  scope: Scope;
  window: Window;
  tenantNames: Record<string, string>;
  /** The request's "now", so every card of one render agrees. */
  now: Date;
}

/**
 * Filters, tenant scope and time window of an overview request. Memoised per
 * request (every card gets the page's one `search` object), so the cards share
 * one viewer and tenant lookup, one window and one "now".
 */
export const dashboardContext = cache(async (search: Search): Promise<DashboardContext> => {
  const viewer = await currentViewer({ role: 'viewer' });
  const tenants = await listTenants(viewer);
  const { ids } = selectedTenants(tenants, search.tenant);
  const filters = dashboardFilters.parse(search);
  return {
    filters,
    scope: { tenantIds: ids, surface: filters.surface, cache: filters.cache },
    window: windowFor(filters.range),
    tenantNames: Object.fromEntries(tenants.map((t) => [t.id, t.name])),
    now: new Date(),
  };
});
