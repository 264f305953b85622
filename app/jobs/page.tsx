import { redirect } from 'next/navigation';
import { Suspense } from 'react';
import { LiveJobsTable } from '@/components/jobs/live-jobs-table';
import { MainContentRendered } from '@/components/telemetry/mark';
import { CardSkeleton, PageHeader } from '@/components/ui/card';
import { BUTTON_CLASS, Field, Input, Select } from '@/components/ui/input';
import { currentViewer } from '@/lib/auth';
import { countJobsByKind, listJobs } from '@/lib/queries/jobs';
import { listTenants } from '@/lib/queries/tenants';
import { jobListFilters, SIGNAL_KINDS, SIGNAL_PHASES } from '@/lib/schemas/signal';
import { toJobListItem } from '@/lib/signals/map';
import { selectedTenants } from '@/lib/tenant-scope';

export const metadata = { title: 'Jobs' };
type Search = Record<string, string | string[] | undefined>;

async function Jobs({ search }: { search: Search }) {
  const viewer = await currentViewer({ role: 'support' });
  const tenants = await listTenants(viewer);
  const { ids, picked } = selectedTenants(tenants, search.tenant);
  const filters = jobListFilters.parse(search);
  const [rows, counts] = await Promise.all([listJobs(ids, filters), countJobsByKind(ids)]);
  // A full job id that matches exactly one job goes straight to its page.
  if (
    filters.q &&
    /^[0-9a-f-]{36}$/i.test(filters.q) &&
    rows.length === 1 &&
    rows[0]!.job_id === filters.q.toLowerCase()
  )
    redirect(`/jobs/${rows[0]!.job_id}`);
  const plain = Object.fromEntries(
    Object.entries(search).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
  return (
    <LiveJobsTable
      key={JSON.stringify(filters) + ids.join()}
      initial={rows.map(toJobListItem)}
      initialCounts={counts}
      tenantNames={Object.fromEntries((picked ? [picked] : tenants).map((t) => [t.id, t.name]))}
      filters={filters}
      search={plain}
      streamQuery={picked ? `tenant=${picked.slug}` : ''}
    />
  );
}

export default async function JobsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const search = await searchParams;
  const filters = jobListFilters.parse(search);
  return (
    <>
      <PageHeader
        title="Jobs"
        description="Look a job up by id (8 characters are enough), run, image or error code, and watch first signals change live"
      />
      <form
        action="/jobs"
        method="get"
        role="search"
        className="mb-4 grid grid-cols-2 items-end gap-2 sm:flex sm:flex-wrap"
        data-testid="job-search"
      >
        {typeof search.tenant === 'string' && <input type="hidden" name="tenant" value={search.tenant} />}
        <Field label="Job or run id, image, error code" className="col-span-2 sm:w-96">
          <Input
            name="q"
            type="search"
            defaultValue={filters.q ?? ''}
            placeholder="3f2a9c1e, docker.io/…, OOM_KILLED"
            className="font-mono"
            data-testid="job-search-input"
          />
        </Field>
        <Field label="Kind">
          <Select name="kind" defaultValue={filters.kind ?? ''} data-testid="kind-filter">
            <option value="">any</option>
            {SIGNAL_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </Select>
        </Field>
        <Field label="Phase">
          <Select name="phase" defaultValue={filters.phase ?? ''} data-testid="phase-filter">
            <option value="">any</option>
            {SIGNAL_PHASES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </Select>
        </Field>
        <button type="submit" className={`${BUTTON_CLASS} col-span-2 sm:col-auto`}>
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
