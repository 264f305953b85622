import Link from 'next/link';
import { Suspense } from 'react';
import { ToggleButton } from '@/components/signatures/toggle-button';
import { TryIt } from '@/components/signatures/try-it';
import { Timestamp } from '@/components/format/zone';
import { MainContentRendered } from '@/components/telemetry/mark';
import { Card, CardSkeleton, EmptyState, PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { formatDuration } from '@/lib/format';
import { BUTTON_CLASS, Field, Input, SECONDARY_BUTTON_CLASS, Select } from '@/components/ui/input';
import { listSignatureGroups, listSignatures, type SignatureRow } from '@/lib/queries/signatures';
import { listTenants } from '@/lib/queries/tenants';
import { signatureListFilters } from '@/lib/schemas/signature';
import { selectedTenants } from '@/lib/tenant-scope';

export const metadata = { title: 'Failure signatures' };
type Search = Record<string, string | string[] | undefined>;

function href(search: Search, change: Record<string, string | undefined>) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...search, ...change }))
    if (typeof v === 'string' && v) params.set(k, v);
  return `/signatures${params.size ? `?${params}` : ''}`;
}

const duration = (s?: number | null) => (s == null ? '–' : formatDuration(s * 1000));

function Status({ row }: { row: SignatureRow }) {
  const [text, style] = row.expired
    ? ['expired', 'bg-warn-soft text-warn']
    : row.enabled
      ? ['enabled', 'bg-ok-soft text-ok']
      : ['disabled', 'bg-subtle text-fg'];
  return (
    <span
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${style}`}
      data-testid="signature-status"
      data-status={text}
    >
      {text}
    </span>
  );
}

function lastMatched(row: SignatureRow) {
  if (row.lastMatchedAt) return <Timestamp value={row.lastMatchedAt} />;
  // Samples counted before matches were timed (imported signatures) have no time.
  return row.sampleCount > 0 ? 'not recorded' : 'never';
}

const patternText = (s: SignatureRow) =>
  [s.pattern.phase, s.pattern.error_code, s.pattern.image_pattern].filter(Boolean).join(' · ') ||
  'any failure';

/** One tenant's signature: its numbers, status and the enable/disable control. */
function TenantLine({ s, tenant }: { s: SignatureRow; tenant: string | null }) {
  return (
    <div
      className="flex flex-wrap items-center justify-between gap-2"
      data-testid="signature-row"
      data-signature-id={s.id}
    >
      <p className="text-xs text-fg">
        {tenant && <span className="font-medium">{tenant} · </span>}
        <Status row={s} /> · confidence {s.confidence.toFixed(2)} · {s.sampleCount}{' '}
        {s.sampleCount === 1 ? 'sample' : 'samples'} · last matched {lastMatched(s)}
        {s.expiresAt && (
          <>
            {s.expired ? ' ' : ' · expires '}
            <Timestamp value={s.expiresAt} />
          </>
        )}
      </p>
      <span className="flex items-center gap-2">
        <Link
          href={`/signatures/${s.id}`}
          className="inline-flex min-h-9 items-center px-1 text-sm text-link hover:underline"
        >
          Edit <span className="sr-only">{`${patternText(s)}${tenant ? ` of ${tenant}` : ''}`}</span>
        </Link>
        <ToggleButton
          id={s.id}
          enabled={s.enabled}
          label={`${patternText(s)}${tenant ? ` (${tenant})` : ''}`}
        />
      </span>
    </div>
  );
}

async function SignaturesTable({ search }: { search: Search }) {
  const viewer = await currentViewer({ role: 'admin' });
  const tenants = await listTenants(viewer);
  const { ids } = selectedTenants(tenants, search.tenant);
  const filters = signatureListFilters.parse(search);
  const names = Object.fromEntries(tenants.map((t) => [t.id, t.name]));
  // Several tenants: a pattern they share is one entry.
  const grouped = ids.length > 1;
  const { groups, total, pageSize } = grouped
    ? await listSignatureGroups(ids, filters)
    : await listSignatures(ids, filters).then((r) => ({ ...r, groups: r.rows.map((row) => [row]) }));
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (groups.length === 0) return <EmptyState>No failure signatures match.</EmptyState>;
  return (
    <>
      <p className="mb-2 flex flex-wrap gap-3 text-xs text-muted">
        Sort by
        {(
          [
            ['confidence', 'confidence'],
            ['samples', 'samples'],
            ['last_matched', 'last matched'],
          ] as const
        ).map(([key, label]) => (
          <Link
            key={key}
            href={href(search, { sort: key, page: undefined })}
            aria-current={filters.sort === key ? 'true' : undefined}
            className={`underline ${filters.sort === key ? 'font-semibold' : ''}`}
          >
            {label}
          </Link>
        ))}
      </p>
      <ul className="divide-y divide-line" data-testid="signatures-table">
        {groups.map((group) => {
          const first = group[0]!;
          return (
            <li key={first.signatureHash} className="space-y-2 py-3" data-testid="signature-group">
              <div>
                <p className="font-mono text-xs break-all">{patternText(first)}</p>
                <p className="text-sm font-medium">{first.outcome.likely_cause}</p>
                <p className="text-xs text-muted">
                  {first.outcome.mttr_p50_seconds == null
                    ? 'No time to fix recorded'
                    : `Usually fixed in ${duration(first.outcome.mttr_p50_seconds)} (p95 ${duration(first.outcome.mttr_p95_seconds)})`}
                  {grouped && group.length > 1 ? ` · shared by ${group.length} tenants` : ''}
                </p>
              </div>
              <div className="space-y-1 border-l-2 border-line pl-3">
                {group.map((s) => (
                  <TenantLine
                    key={s.id}
                    s={s}
                    tenant={grouped ? (names[s.tenantId] ?? s.tenantId.slice(0, 8)) : null}
                  />
                ))}
              </div>
            </li>
          );
        })}
      </ul>
      <nav aria-label="Pages" className="mt-3 flex items-center justify-between text-sm text-muted">
        <span>
          {total} {grouped ? 'patterns' : 'signatures'} · page {filters.page} of {pages}
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
          <Link href="/signatures/new" className={BUTTON_CLASS} data-testid="new-signature">
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
        <Field label="Search">
          <Input
            name="q"
            defaultValue={filters.q ?? ''}
            placeholder="cause, code, image…"
            data-testid="signature-search"
          />
        </Field>
        <Field label="Status">
          <Select name="status" defaultValue={filters.status ?? ''} data-testid="signature-status-filter">
            <option value="">all</option>
            <option value="enabled">enabled</option>
            <option value="disabled">disabled</option>
            <option value="expired">expired</option>
          </Select>
        </Field>
        <button type="submit" className={SECONDARY_BUTTON_CLASS}>
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
