import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { check, type Requirement } from './authorize';
import { SESSION_COOKIE } from './config';
import type { Viewer } from './roles';
import { sessionViewer } from './sessions';

export * from './roles';
export { assertTenantWritable, authorize, check, requestViewer, type Requirement } from './authorize';

// The single place where requests are authenticated and authorized.
// - Route handlers: `authorize(request, { role?, scope? })`. A bearer token
//   (machines) or the session cookie (people). No credentials -> 401; not
//   allowed -> 403; cookie requests that change state from another origin -> 403.
// - Pages and server actions: `currentViewer({ role? })`; no session redirects
//   to /sign-in, too low a role to /forbidden (proxy.ts already answers both
//   with the right status before a page renders).
// - Tenants: queries take `viewer.tenants`; `canSeeTenant` for one id (answer
//   404 for other tenants), `assertTenantWritable` before writing tenant data (403).

/** The signed-in person of the current page request, or null; one lookup per request. */
export const optionalViewer = cache(async (): Promise<Viewer | null> => {
  return sessionViewer((await cookies()).get(SESSION_COOKIE)?.value);
});

/** For server components and server actions. */
export async function currentViewer(need: Requirement = {}): Promise<Viewer> {
  const viewer = await optionalViewer();
  if (!viewer) {
    const path = (await headers()).get('x-ttfs-path') ?? '/';
    redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  }
  try {
    return check(viewer, need);
  } catch {
    redirect('/forbidden');
  }
}
