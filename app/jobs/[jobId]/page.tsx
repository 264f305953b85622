import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { JobEvents } from '@/components/jobs/job-events';
import { JobSignalView } from '@/components/jobs/job-signal-view';
import { MainContentRendered } from '@/components/telemetry/mark';
import { CardSkeleton } from '@/components/ui/card';
import { canSeeTenant, currentViewer } from '@/lib/auth';
import { phaseHistory } from '@/lib/queries/jobs';
import { coldStartSnapshot, getSnapshot } from '@/lib/queries/signals';
import { checkedWithoutMatch, signalSource, toSignal } from '@/lib/signals/map';

export const metadata = { title: 'Job' };

export default async function JobPage({ params }: { params: Promise<{ jobId: string }> }) {
  const viewer = await currentViewer({ role: 'support' });
  const { jobId } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(jobId)) notFound();
  const snapshot = await getSnapshot(jobId);
  const row = snapshot ?? (await coldStartSnapshot(jobId, viewer.tenants));
  if (!row || !canSeeTenant(viewer, row.tenant_id)) notFound();
  const signal = toSignal(row);
  const createdAt = snapshot?.created_at ?? null;
  const history = await phaseHistory(row.tenant_id, jobId);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-muted">
        <Link href="/jobs" className="hover:underline">
          Jobs
        </Link>{' '}
        / <span className="font-mono">{jobId.slice(0, 8)}</span>
      </nav>
      <h1 className="mb-1 text-xl font-semibold tracking-tight break-all">
        Job <span className="font-mono text-base">{jobId}</span>
      </h1>
      <p className="mb-5 text-sm break-all text-muted">
        {signal.runId ? (
          <>
            Run{' '}
            <Link className="font-mono text-link hover:underline" href={`/jobs?q=${signal.runId}`}>
              {signal.runId}
            </Link>
          </>
        ) : (
          'Not part of a run'
        )}
      </p>
      <JobSignalView
        initial={signal}
        source={signalSource(signal, snapshot !== null)}
        noMatch={checkedWithoutMatch(row)}
        createdAt={createdAt?.toISOString() ?? null}
        history={history.map((h) => ({ ...h, at: h.at.toISOString() }))}
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
