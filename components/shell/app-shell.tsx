import Link from 'next/link';
import { Suspense, type ReactNode } from 'react';
import { UserMenu } from '@/components/auth/user-menu';
import { ZoneSwitch } from '@/components/format/zone';
import { PageTelemetryProvider } from '@/components/telemetry/page-rendered';
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
      className="border-b border-line bg-danger-soft px-4 py-2 text-sm text-danger md:px-6"
    >
      The database is unreachable. The console keeps retrying; reload in a moment. Live streams reconnect by
      themselves.
    </div>
  );
}

/** The first stop of the keyboard: jumps over the navigation to the page's main content. */
function SkipLink() {
  return (
    <a
      href="#main"
      data-testid="skip-link"
      className="sr-only z-50 rounded-md bg-inverse px-3 py-2 text-sm font-medium text-inverse-fg focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
    >
      Skip to main content
    </a>
  );
}

function Brand({ link }: { link: boolean }) {
  const inner = (
    <>
      <span aria-hidden className="inline-block h-3 w-3 rounded-full bg-accent" />
      TTFS console
    </>
  );
  return link ? (
    <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight" data-testid="brand">
      {inner}
    </Link>
  ) : (
    <span className="flex items-center gap-2 font-semibold tracking-tight" data-testid="brand">
      {inner}
    </span>
  );
}

function Main({ children }: { children: ReactNode }) {
  return (
    <main id="main" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 outline-none md:px-6">
      {children}
    </main>
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
        <SkipLink />
        <header className="flex flex-wrap items-center justify-between gap-3 border-b border-line bg-surface px-4 py-3 md:px-6">
          <Brand link={false} />
          <div className="flex items-center gap-2">
            <ZoneSwitch />
            <ThemeToggle theme={theme} />
          </div>
        </header>
        {banner}
        <Main>{children}</Main>
      </div>
    );
  }
  const tenants = await listTenants(viewer).catch(() => []);
  return (
    <PageTelemetryProvider tenants={tenants.map((t) => ({ id: t.id, slug: t.slug }))}>
      <div className="flex min-h-screen flex-col md:flex-row">
        <SkipLink />
        <aside className="border-b border-line bg-surface md:sticky md:top-0 md:h-screen md:w-56 md:shrink-0 md:border-r md:border-b-0">
          <div className="flex items-center justify-between gap-2 px-4 py-3 md:block md:py-5">
            <Brand link />
          </div>
          <NavLinks role={viewer.role} />
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="flex flex-wrap items-center justify-between gap-3 border-b border-line bg-surface px-4 py-2 md:px-6">
            <Suspense fallback={<div className="h-9 w-48 animate-pulse rounded bg-subtle" />}>
              <TenantSwitcher tenants={tenants} />
            </Suspense>
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <UserMenu viewer={viewer} />
              <ZoneSwitch />
              <ThemeToggle theme={theme} />
            </div>
          </header>
          {banner}
          <Main>{children}</Main>
        </div>
      </div>
    </PageTelemetryProvider>
  );
}
