import { Suspense } from 'react';
import { TokenCreateForm } from '@/components/auth/token-create-form';
import { TokenRevokeButton } from '@/components/auth/token-revoke-button';
import { Timestamp } from '@/components/format/zone';
import { MainContentRendered } from '@/components/telemetry/mark';
import { Card, CardSkeleton, EmptyState, PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { listApiTokens } from '@/lib/auth/tokens';
import { listTenants } from '@/lib/queries/tenants';
import { selectedTenants } from '@/lib/tenant-scope';

export const metadata = { title: 'API tokens' };
type Search = Promise<Record<string, string | string[] | undefined>>;

const when = (d: Date | null) => (d ? <Timestamp value={d} /> : 'never');

async function TokenTable({ search }: { search: Search }) {
  const viewer = await currentViewer({ role: 'admin' });
  const { ids } = selectedTenants(await listTenants(viewer), (await search).tenant);
  const tokens = await listApiTokens(ids);
  if (tokens.length === 0) return <EmptyState>No API tokens yet.</EmptyState>;
  // Cards: one token per block reads well at any width (a table of seven columns did not fit a phone).
  return (
    <ul className="divide-y divide-line text-sm" data-testid="tokens-table">
      {tokens.map((t) => (
        <li
          key={t.id}
          data-testid="token-row"
          className={`flex flex-wrap items-start justify-between gap-3 py-3 ${t.revokedAt || t.expired ? 'text-muted' : ''}`}
        >
          <div className="min-w-0 space-y-0.5">
            <p className="font-medium">
              {t.name} <span className="font-mono text-xs">{t.prefix}…</span>
            </p>
            <p className="text-xs">
              {t.tenantName} · <span className="font-mono">{t.scopes.join(' ')}</span>
            </p>
            <p className="text-xs text-muted">
              created {when(t.createdAt)}
              {t.createdBy ? ` by ${t.createdBy}` : ''} ·{' '}
              <span data-testid="token-expires">
                {t.expiresAt ? (
                  <>
                    {t.expired ? 'expired' : 'expires'} {when(t.expiresAt)}
                  </>
                ) : (
                  'never expires'
                )}
              </span>{' '}
              · last used <span data-testid="token-last-used">{when(t.lastUsedAt)}</span>
            </p>
          </div>
          <div>
            {t.revokedAt ? (
              <span data-testid="token-revoked" className="text-xs">
                revoked {when(t.revokedAt)}
              </span>
            ) : t.expired ? (
              <span className="text-xs">expired</span>
            ) : (
              <TokenRevokeButton id={t.id} name={t.name} />
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

async function CreateCard() {
  const viewer = await currentViewer({ role: 'admin' });
  const tenants = await listTenants(viewer);
  return <TokenCreateForm tenants={tenants} />;
}

export default function TokensPage({ searchParams }: { searchParams: Search }) {
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Bearer tokens for machines: one tenant each, scoped, with an expiry, stored only as a hash. People sign the CLI in with a personal token from the CLI page."
      />
      <div className="space-y-4">
        <Card title="New token">
          <Suspense fallback={<CardSkeleton height="h-24" />}>
            <CreateCard />
          </Suspense>
        </Card>
        <Card title="Tokens">
          <Suspense fallback={<CardSkeleton height="h-48" />}>
            <TokenTable search={searchParams} />
            <MainContentRendered page="tokens" />
          </Suspense>
        </Card>
      </div>
    </>
  );
}
