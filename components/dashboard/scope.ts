import 'server-only';
import { cache } from 'react';
import { currentViewer } from '@/lib/auth';
import { roleAtLeast } from '@/lib/auth/roles';
import { sliCountsEndingAt, type Scope } from '@/lib/queries/dashboard';
import { listTenants } from '@/lib/queries/tenants';
import { dashboardFilters, windowFor, type DashboardFilters, type Window } from '@/lib/schemas/dashboard';
import { WORKBOOK_RULES } from '@/lib/slo/burn';
import { selectedTenants } from '@/lib/tenant-scope';

export type Search = Record<string, string | string[] | undefined>;

const isDrillParam = (name: string) => name.startsWith('drill');

/** The search without the drill-down's parameters: what the cards other than the drill-down depend on. */
export function viewKey(search: Search): string {
  return JSON.stringify(Object.entries(search).filter(([k]) => !isDrillParam(k)));
}

/** The search as URL parameters for the overview's links (repeated parameters left out). */
export function toUrlParams(search: Search, { withoutDrill = false } = {}): URLSearchParams {
  return new URLSearchParams(
    Object.entries(search).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && !(withoutDrill && isDrillParam(e[0])),
    ),
  );
}

export interface DashboardContext {
  filters: DashboardFilters;
  scope: Scope;
  window: Window;
  tenantNames: Record<string, string>;
  /** The request's "now", so every card of one render agrees. */
  now: Date;
  /** Whether the viewer may open job pages (support and up): viewers see job ids without links. */
  canOpenJobs: boolean;
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
    canOpenJobs: roleAtLeast(viewer.role, 'support'),
  };
});

/** The burn-rate rules' windows, each once. */
const BURN_WINDOW_HOURS = [
  ...new Set(WORKBOOK_RULES.flatMap((r) => [r.longWindowHours, r.shortWindowHours])),
];
/** Burn-rate windows under 6 hours: exact to the millisecond, so partly read from raw events. */
const SHORT_WINDOW_HOURS = BURN_WINDOW_HOURS.filter((h) => h < 6);
/** The other windows, which count whole hours. */
export const LONG_WINDOW_HOURS = BURN_WINDOW_HOURS.filter((h) => h >= 6);

/**
 * SLI counts of the short burn-rate windows, once per request. The page starts
 * this read before rendering the cards (`preloadShortWindows`): it is the
 * slowest read of the page at 10M events, and the cards' own reads would
 * otherwise take the pool's connections first.
 */
export const shortWindowCounts = cache(async (search: Search) => {
  const { scope, now } = await dashboardContext(search);
  return sliCountsEndingAt(now, SHORT_WINDOW_HOURS, scope);
});

export function preloadShortWindows(search: Search) {
  // The budget card awaits the same memoised promise and reports its errors.
  shortWindowCounts(search).catch(() => {});
}
