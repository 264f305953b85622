import { Suspense } from 'react';
import { TokenCreateForm } from '@/components/auth/token-create-form';
import { TokenRevokeButton } from '@/components/auth/token-revoke-button';
import { Card, CardSkeleton, EmptyState, PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { listApiTokens } from '@/lib/auth/tokens';
import { listTenants } from '@/lib/queries/tenants';
import { selectedTenants } from '@/lib/tenant-scope';
import { MainContentRendered } from '@/components/telemetry/mark';
import { Timestamp } from '@/components/format/zone';

export const metadata = { title: 'API tokens' };
type Search = Promise<Record<string, string | string[] | undefined>>;

const when = (d: Date | null) => (d ? <Timestamp value={d.toISOString()} /> : 'never');

async function TokenTable({ search }: { search: Search }) {
  const viewer = await currentViewer({ role: 'admin' });
  const { ids } = selectedTenants(await listTenants(viewer), (await search).tenant);
  const tokens = await listApiTokens(ids);
  if (tokens.length === 0) return <EmptyState>No API tokens yet.</EmptyState>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="tokens-table">
        <thead className="text-xs text-muted uppercase">
          <tr>
            <th className="py-2 pr-3">Name</th>
            <th className="pr-3">Prefix</th>
            <th className="pr-3">Tenant</th>
            <th className="pr-3">Scopes</th>
            <th className="pr-3">Created</th>
            <th className="pr-3">Last used</th>
            <th />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {tokens.map((t) => (
            <tr key={t.id} data-testid="token-row" className={t.revokedAt ? 'text-slate-400' : undefined}>
              <td className="py-2 pr-3">{t.name}</td>
              <td className="pr-3 font-mono text-xs">{t.prefix}…</td>
              <td className="pr-3">{t.tenantName}</td>
              <td className="pr-3 font-mono text-xs">{t.scopes.join(' ')}</td>
              <td className="pr-3 whitespace-nowrap">
                {when(t.createdAt)}
                {t.createdBy ? ` · ${t.createdBy}` : ''}
              </td>
              <td className="pr-3 whitespace-nowrap" data-testid="token-last-used">
                {when(t.lastUsedAt)}
              </td>
              <td className="text-right">
                {t.revokedAt ? (
                  <span data-testid="token-revoked">revoked {when(t.revokedAt)}</span>
                ) : (
                  <TokenRevokeButton id={t.id} name={t.name} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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
        description="Bearer tokens for machines: one tenant each, scoped, stored only as a hash"
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
