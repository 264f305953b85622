import Link from 'next/link';
import { Suspense } from 'react';
import { KindBadge } from '@/components/ui/badge';
import { Card, CardSkeleton, EmptyState, PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { listRecentJobs } from '@/lib/queries/jobs';
import { listTenants } from '@/lib/queries/tenants';
import { selectedTenants } from '@/lib/tenant-scope';

export const metadata = { title: 'Jobs' };
type Search = Promise<Record<string, string | string[] | undefined>>;

async function JobsTable({ search }: { search: Search }) {
  const viewer = await currentViewer({ role: 'support' });
  const { ids } = selectedTenants(await listTenants(viewer), (await search).tenant);
  const jobs = await listRecentJobs(ids);
  if (jobs.length === 0) return <EmptyState>No jobs yet.</EmptyState>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="jobs-table">
        <thead className="text-xs text-slate-500 uppercase">
          <tr><th className="py-2 pr-3">Job</th><th className="pr-3">Kind</th><th className="pr-3">Phase</th><th className="pr-3">Summary</th><th>Updated</th></tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {jobs.map((job) => (
            <tr key={job.jobId}>
              <td className="py-2 pr-3 font-mono text-xs"><Link className="text-blue-700 hover:underline dark:text-blue-300" href={`/jobs/${job.jobId}`}>{job.jobId.slice(0, 8)}</Link></td>
              <td className="pr-3"><KindBadge kind={job.kind} /></td>
              <td className="pr-3">{job.phase}</td>
              <td className="pr-3">{job.summary}</td>
              <td className="whitespace-nowrap text-slate-500"><time dateTime={job.updatedAt.toISOString()}>{job.updatedAt.toISOString().slice(0, 19).replace('T', ' ')} UTC</time></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function JobsPage({ searchParams }: { searchParams: Search }) {
  return (
    <>
      <PageHeader title="Jobs" description="Current first signal of recent scan jobs" />
      <Card>
        <Suspense fallback={<CardSkeleton height="h-96" />}>
          <JobsTable search={searchParams} />
        </Suspense>
      </Card>
    </>
  );
}
