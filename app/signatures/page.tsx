import Link from 'next/link';
import { Suspense } from 'react';
import { ToggleButton } from '@/components/signatures/toggle-button';
import { TryIt } from '@/components/signatures/try-it';
import { Card, CardSkeleton, EmptyState, PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { listSignatures } from '@/lib/queries/signatures';
import { listTenants } from '@/lib/queries/tenants';
import { signatureListFilters } from '@/lib/schemas/signature';
import { selectedTenants } from '@/lib/tenant-scope';
import { MainContentRendered } from '@/components/telemetry/mark';
import { Timestamp } from '@/components/format/zone';

export const metadata = { title: 'Failure signatures' };
type Search = Record<string, string | string[] | undefined>;

function href(search: Search, change: Record<string, string | undefined>) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...search, ...change }))
    if (typeof v === 'string' && v) params.set(k, v);
  return `/signatures${params.size ? `?${params}` : ''}`;
}

const duration = (s?: number | null) =>
  s == null ? '–' : s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 60)} min`;

async function SignaturesTable({ search }: { search: Search }) {
  const viewer = await currentViewer({ role: 'admin' });
  const tenants = await listTenants(viewer);
  const { ids } = selectedTenants(tenants, search.tenant);
  const filters = signatureListFilters.parse(search);
  const { rows, total, pageSize } = await listSignatures(ids, filters);
  const names = Object.fromEntries(tenants.map((t) => [t.id, t.name]));
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (rows.length === 0) return <EmptyState>No failure signatures match.</EmptyState>;
  return (
    <>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="signatures-table">
          <thead className="text-xs text-muted uppercase">
            <tr>
              <th className="py-2 pr-3">Pattern</th>
              <th className="pr-3">Likely cause</th>
              <th className="pr-3">Tenant</th>
              <th className="pr-3 text-right">
                <Link href={href(search, { sort: 'confidence', page: undefined })}>Confidence</Link>
              </th>
              <th className="pr-3 text-right">
                <Link href={href(search, { sort: 'samples', page: undefined })}>Samples</Link>
              </th>
              <th className="pr-3">
                <Link href={href(search, { sort: 'last_matched', page: undefined })}>Last matched</Link>
              </th>
              <th className="pr-3">Expiry</th>
              <th>Enabled</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
            {rows.map((s) => (
              <tr key={s.id} data-testid="signature-row" data-signature-id={s.id} className="align-top">
                <td className="py-2 pr-3 font-mono text-xs">
                  <Link
                    className="text-blue-700 hover:underline dark:text-blue-300"
                    href={`/signatures/${s.id}`}
                  >
                    {[s.pattern.phase, s.pattern.error_code, s.pattern.image_pattern]
                      .filter(Boolean)
                      .join(' · ')}
                  </Link>
                </td>
                <td className="pr-3">
                  {s.outcome.likely_cause}
                  <div className="text-xs text-muted">
                    MTTR {duration(s.outcome.mttr_p50_seconds)} (p95 {duration(s.outcome.mttr_p95_seconds)})
                  </div>
                </td>
                <td className="pr-3 whitespace-nowrap">{names[s.tenantId] ?? s.tenantId.slice(0, 8)}</td>
                <td className="pr-3 text-right font-mono">{s.confidence.toFixed(2)}</td>
                <td className="pr-3 text-right font-mono">{s.sampleCount}</td>
                <td className="pr-3 text-xs whitespace-nowrap">
                  {s.lastMatchedAt ? <Timestamp value={s.lastMatchedAt.toISOString()} /> : 'never'}
                </td>
                <td className="pr-3 text-xs">
                  {s.expired ? (
                    <span
                      className="rounded bg-amber-100 px-1.5 text-amber-900 dark:bg-amber-950 dark:text-amber-200"
                      data-testid="expired"
                    >
                      expired
                    </span>
                  ) : s.expiresAt ? (
                    s.expiresAt.toISOString().slice(0, 10)
                  ) : (
                    '–'
                  )}
                </td>
                <td>
                  <ToggleButton id={s.id} enabled={s.enabled} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pages" className="mt-3 flex items-center justify-between text-sm text-muted">
        <span>
          {total} signatures · page {filters.page} of {pages}
        </span>
        <span className="flex gap-3">
          {filters.page > 1 && <Link href={href(search, { page: String(filters.page - 1) })}>Previous</Link>}
          {filters.page < pages && <Link href={href(search, { page: String(filters.page + 1) })}>Next</Link>}
        </span>
      </nav>
    </>
  );
}

async function TryItCard({ search }: { search: Search }) {
  const viewer = await currentViewer({ role: 'admin' });
  const tenants = await listTenants(viewer);
  const { picked } = selectedTenants(tenants, search.tenant);
  return (
    <Card title="Try it: which signature would match a failure?" className="mt-5">
      <TryIt tenants={(picked ? [picked] : tenants).map((t) => ({ id: t.id, name: t.name }))} />
    </Card>
  );
}

export default async function SignaturesPage({ searchParams }: { searchParams: Promise<Search> }) {
  const search = await searchParams;
  const filters = signatureListFilters.parse(search);
  return (
    <>
      <PageHeader
        title="Failure signatures"
        description="Known failure patterns: when a job fails with a matching phase, error code and image, its signal shows the likely cause and fix"
        actions={
          <Link
            href="/signatures/new"
            className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white dark:bg-slate-100 dark:text-slate-900"
            data-testid="new-signature"
          >
            New signature
          </Link>
        }
      />
      <form
        action="/signatures"
        className="mb-4 flex flex-wrap items-end gap-2 text-xs text-muted"
        role="search"
      >
        {typeof search.tenant === 'string' && <input type="hidden" name="tenant" value={search.tenant} />}
        <label className="flex flex-col">
          Search
          <input
            name="q"
            defaultValue={filters.q ?? ''}
            placeholder="cause, code, image…"
            className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
            data-testid="signature-search"
          />
        </label>
        <label className="flex flex-col">
          Status
          <select
            name="status"
            defaultValue={filters.status ?? ''}
            className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
            data-testid="signature-status"
          >
            <option value="">all</option>
            <option value="enabled">enabled</option>
            <option value="disabled">disabled</option>
            <option value="expired">expired</option>
          </select>
        </label>
        <button
          type="submit"
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-900 dark:border-slate-700 dark:text-slate-100"
        >
          Filter
        </button>
      </form>
      <Card>
        <Suspense key={JSON.stringify(search)} fallback={<CardSkeleton height="h-96" />}>
          <SignaturesTable search={search} />
          <MainContentRendered page="signatures" />
        </Suspense>
      </Card>
      <Suspense fallback={<CardSkeleton height="h-24" />}>
        <TryItCard search={search} />
      </Suspense>
    </>
  );
}
