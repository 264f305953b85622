import type { Role } from './roles';

// Minimum role per page, by path prefix, for the gate in proxy.ts (which
// answers 307 to /sign-in or 403 before a page starts streaming). Pages check
// again with `currentViewer({ role })` when they load data. Any page not listed
// needs a signed-in viewer. Keep in step with the nav links' roles.
export const PAGE_ROLES: { prefix: string; role: Role }[] = [
  { prefix: '/admin', role: 'admin' },
  { prefix: '/signatures', role: 'admin' },
  { prefix: '/jobs', role: 'support' },
  { prefix: '/runs', role: 'support' },
  { prefix: '/cli', role: 'support' },
];

/** Pages anyone may open. */
export const PUBLIC_PAGES = ['/sign-in', '/forbidden'];

export function isPublicPage(pathname: string): boolean {
  return PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

export function pageRole(pathname: string): Role {
  const hit = PAGE_ROLES.find((p) => pathname === p.prefix || pathname.startsWith(`${p.prefix}/`));
  return hit?.role ?? 'viewer';
}
