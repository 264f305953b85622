import Link from 'next/link';
import { Suspense, type ReactNode } from 'react';
import { UserMenu } from '@/components/auth/user-menu';
import { optionalViewer } from '@/lib/auth';
import { isDatabaseUnavailable } from '@/lib/errors';
import { listTenants } from '@/lib/queries/tenants';
import type { Theme } from '@/lib/theme';
import { NavLinks } from './nav-links';
import { TenantSwitcher } from './tenant-switcher';
import { ThemeToggle } from './theme-toggle';

function DatabaseDownBanner() {
  return (
    <div
      role="alert"
      data-testid="database-down"
      className="border-b border-rose-300 bg-rose-50 px-4 py-2 text-sm text-rose-900 md:px-6 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-100"
    >
      The database is unreachable. The console keeps retrying; reload in a moment. Live streams reconnect by
      themselves.
    </div>
  );
}

export async function AppShell({ children, theme }: { children: ReactNode; theme: Theme }) {
  const { viewer, databaseDown } = await optionalViewer().then(
    (found) => ({ viewer: found, databaseDown: false }),
    (error: unknown) => ({ viewer: null, databaseDown: isDatabaseUnavailable(error) }),
  );
  const banner = databaseDown ? <DatabaseDownBanner /> : null;
  // Signed out (the sign-in page): no navigation, no tenant data.
  if (!viewer) {
    return (
      <div className="flex min-h-screen flex-col">
        <header className="flex items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-3 md:px-6 dark:border-slate-800 dark:bg-slate-900">
          <span className="flex items-center gap-2 font-semibold tracking-tight" data-testid="brand">
            <span aria-hidden className="inline-block h-3 w-3 rounded-full bg-emerald-500" />
            TTFS console
          </span>
          <ThemeToggle theme={theme} />
        </header>
        {banner}
        <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 md:px-6">{children}</main>
      </div>
    );
  }
  const tenants = await listTenants(viewer).catch(() => []);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="border-b border-slate-200 bg-white md:sticky md:top-0 md:h-screen md:w-56 md:shrink-0 md:border-r md:border-b-0 dark:border-slate-800 dark:bg-slate-900">
        <div className="flex items-center justify-between gap-2 px-4 py-3 md:block md:py-5">
          <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight" data-testid="brand">
            <span aria-hidden className="inline-block h-3 w-3 rounded-full bg-emerald-500" />
            TTFS console
          </Link>
        </div>
        <NavLinks role={viewer.role} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 bg-white/80 px-4 py-2 backdrop-blur md:px-6 dark:border-slate-800 dark:bg-slate-900/80">
          <Suspense
            fallback={<div className="h-9 w-48 animate-pulse rounded bg-slate-200 dark:bg-slate-800" />}
          >
            <TenantSwitcher tenants={tenants} />
          </Suspense>
          <div className="flex items-center gap-3 text-sm">
            <UserMenu viewer={viewer} />
            <ThemeToggle theme={theme} />
          </div>
        </header>
        <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 md:px-6">{children}</main>
      </div>
    </div>
  );
}
