import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { LiveJobsTable } from '@/components/jobs/live-jobs-table';
import { Card, CardSkeleton, PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { countByKind, listSnapshots } from '@/lib/queries/signals';
import { listTenants } from '@/lib/queries/tenants';
import { jobListFilters, SIGNAL_KINDS, SIGNAL_PHASES } from '@/lib/schemas/signal';
import { toSignal } from '@/lib/signals/map';
import { selectedTenants } from '@/lib/tenant-scope';
import { MainContentRendered } from '@/components/telemetry/mark';

export const metadata = { title: 'Jobs' };
type Search = Record<string, string | string[] | undefined>;

function href(search: Search, change: Record<string, string | undefined>) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...search, ...change }))
    if (typeof v === 'string' && v) params.set(k, v);
  return `/jobs${params.size ? `?${params}` : ''}`;
}

async function Jobs({ search }: { search: Search }) {
  const viewer = await currentViewer({ role: 'support' });
  const tenants = await listTenants(viewer);
  const { ids, picked } = selectedTenants(tenants, search.tenant);
  const filters = jobListFilters.parse(search);
  const [rows, counts] = await Promise.all([listSnapshots(ids, filters), countByKind(ids)]);
  // A full job id that matches exactly one job goes straight to its page.
  if (
    filters.q &&
    /^[0-9a-f-]{36}$/i.test(filters.q) &&
    rows.length === 1 &&
    rows[0]!.job_id === filters.q.toLowerCase()
  )
    redirect(`/jobs/${rows[0]!.job_id}`);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return (
    <>
      <nav aria-label="Counts per kind" className="mb-4 flex flex-wrap gap-2" data-testid="kind-counts">
        <Link
          href={href(search, { kind: undefined })}
          aria-current={!filters.kind ? 'true' : undefined}
          className={`rounded-full border px-3 py-1 text-xs ${!filters.kind ? 'border-slate-900 bg-slate-900 text-white dark:border-slate-100 dark:bg-slate-100 dark:text-slate-900' : 'border-slate-300 dark:border-slate-700'}`}
        >
          all {total}
        </Link>
        {SIGNAL_KINDS.map((kind) => (
          <Link
            key={kind}
            href={href(search, { kind })}
            data-testid={`count-${kind}`}
            aria-current={filters.kind === kind ? 'true' : undefined}
            className={`rounded-full border px-3 py-1 text-xs ${filters.kind === kind ? 'border-slate-900 bg-slate-900 text-white dark:border-slate-100 dark:bg-slate-100 dark:text-slate-900' : 'border-slate-300 dark:border-slate-700'}`}
          >
            {kind} {counts[kind] ?? 0}
          </Link>
        ))}
      </nav>
      <Card>
        <LiveJobsTable
          key={JSON.stringify(filters) + ids.join()}
          initial={rows.map(toSignal)}
          tenantNames={Object.fromEntries(tenants.map((t) => [t.id, t.name]))}
          filters={filters}
          streamQuery={picked ? `tenant=${picked.slug}` : ''}
        />
      </Card>
    </>
  );
}

export default async function JobsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const search = await searchParams;
  const filters = jobListFilters.parse(search);
  return (
    <>
      <PageHeader title="Jobs" description="Look a job or run up, and watch first signals change live" />
      <form
        action="/jobs"
        method="get"
        role="search"
        className="mb-4 flex flex-wrap items-end gap-2"
        data-testid="job-search"
      >
        {typeof search.tenant === 'string' && <input type="hidden" name="tenant" value={search.tenant} />}
        <label className="flex flex-col text-xs text-muted">
          Job or run id
          <input
            name="q"
            defaultValue={filters.q ?? ''}
            placeholder="paste a job or run id"
            className="mt-1 w-80 max-w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 font-mono text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
            data-testid="job-search-input"
          />
        </label>
        <label className="flex flex-col text-xs text-muted">
          Kind
          <select
            name="kind"
            defaultValue={filters.kind ?? ''}
            className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
            data-testid="kind-filter"
          >
            <option value="">any</option>
            {SIGNAL_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs text-muted">
          Phase
          <select
            name="phase"
            defaultValue={filters.phase ?? ''}
            className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
            data-testid="phase-filter"
          >
            <option value="">any</option>
            {SIGNAL_PHASES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white dark:bg-slate-100 dark:text-slate-900"
        >
          Search
        </button>
      </form>
      <Suspense key={JSON.stringify(search)} fallback={<CardSkeleton height="h-96" testId="jobs-skeleton" />}>
        <Jobs search={search} />
        <MainContentRendered page="jobs" />
      </Suspense>
    </>
  );
}
