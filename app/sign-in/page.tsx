import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/sign-in-form';
import { Card } from '@/components/ui/card';
import { optionalViewer } from '@/lib/auth';
import { safeReturnPath } from '@/lib/auth/claims';
import { demoUsersEnabled, oidcSettings } from '@/lib/auth/config';
import { DEMO_USERS } from '@/db/demo/users';
import { MainContentRendered } from '@/components/telemetry/mark';

export const metadata = { title: 'Sign in' };
type Search = Promise<Record<string, string | string[] | undefined>>;

const ERRORS: Record<string, string> = {
  no_role: 'Your account has no console role. Ask an administrator to grant viewer, support or admin.',
  no_pending_login: 'The sign-in took too long or was opened in another browser. Start again.',
  issuer_rejected: 'The identity provider did not confirm the sign-in. Start again.',
  issuer_unreachable: 'The identity provider is not reachable right now.',
  not_configured: 'Single sign-on is not configured.',
};

export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const search = await searchParams;
  const next = safeReturnPath(Array.isArray(search.next) ? search.next[0] : search.next);
  if (await optionalViewer().catch(() => null)) redirect(next);
  const oidc = oidcSettings();
  const demo = demoUsersEnabled();
  const error = typeof search.error === 'string' ? (ERRORS[search.error] ?? 'Sign-in failed.') : null;
  return (
    <div className="mx-auto mt-8 max-w-sm">
      <Card title="Sign in to the TTFS console" testId="sign-in">
        <div className="space-y-4">
          {search.signed_out && (
            <p className="text-sm text-muted" data-testid="signed-out">
              You are signed out.
            </p>
          )}
          {error && (
            <p role="alert" className="text-sm text-danger" data-testid="sign-in-oidc-error">
              {error}
            </p>
          )}
          {oidc && (
            <a
              href={`/api/auth/oidc/start?next=${encodeURIComponent(next)}`}
              data-testid="sign-in-oidc"
              className="block w-full rounded-md bg-inverse px-3 py-2 text-center text-sm font-medium text-inverse-fg hover:opacity-90"
            >
              {oidc.label}
            </a>
          )}
          {demo && (
            <SignInForm
              next={next}
              demoUsers={DEMO_USERS.map((u) => ({
                username: u.username,
                password: u.password,
                name: u.name,
                role: u.role,
                tenants: u.tenants === '*' ? 'all tenants' : u.tenants.join(', '),
              }))}
            />
          )}
          {!oidc && !demo && (
            <p className="text-sm text-muted" data-testid="sign-in-unconfigured">
              No sign-in method is configured. Set TTFS_OIDC_ISSUER and TTFS_OIDC_CLIENT_ID for single
              sign-on, or TTFS_DEMO_USERS=1 for the demo users.
            </p>
          )}
        </div>
      </Card>
      <MainContentRendered page="sign-in" />
    </div>
  );
}
