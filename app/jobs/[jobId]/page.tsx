import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { JobEvents } from '@/components/jobs/job-events';
import { JobSignalView } from '@/components/jobs/job-signal-view';
import { CardSkeleton } from '@/components/ui/card';
import { canSeeTenant, currentViewer } from '@/lib/auth';
import { coldStartSnapshot, getSnapshot } from '@/lib/queries/signals';
import { checkedWithoutMatch, signalSource, toSignal } from '@/lib/signals/map';
import { MainContentRendered } from '@/components/telemetry/mark';

export const metadata = { title: 'Job' };

export default async function JobPage({ params }: { params: Promise<{ jobId: string }> }) {
  const viewer = await currentViewer({ role: 'support' });
  const { jobId } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(jobId)) notFound();
  const snapshot = await getSnapshot(jobId);
  const row = snapshot ?? (await coldStartSnapshot(jobId, viewer.tenants));
  if (!row || !canSeeTenant(viewer, row.tenant_id)) notFound();
  const signal = toSignal(row);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted">
        <Link href="/jobs" className="hover:underline">
          Jobs
        </Link>{' '}
        / <span className="font-mono">{jobId.slice(0, 8)}</span>
      </nav>
      <h1 className="mb-1 text-xl font-semibold tracking-tight">
        Job <span className="font-mono text-base">{jobId}</span>
      </h1>
      {signal.runId && (
        <p className="mb-5 text-sm text-muted">
          Run{' '}
          <Link
            className="font-mono text-blue-700 hover:underline dark:text-blue-300"
            href={`/jobs?q=${signal.runId}`}
          >
            {signal.runId}
          </Link>
        </p>
      )}
      <JobSignalView
        initial={signal}
        source={signalSource(signal, snapshot !== null)}
        noMatch={checkedWithoutMatch(row)}
      />
      <MainContentRendered page="job" />
      <Suspense
        fallback={
          <div className="mt-6">
            <CardSkeleton height="h-32" />
          </div>
        }
      >
        <JobEvents jobId={jobId} tenantId={row.tenant_id} />
      </Suspense>
    </>
  );
}
