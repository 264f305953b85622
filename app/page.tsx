import { Suspense } from 'react';
import { Card, CardSkeleton, EmptyState, PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { last24hBySurface } from '@/lib/queries/overview';
import { listTenants } from '@/lib/queries/tenants';
import { selectedTenants } from '@/lib/tenant-scope';

type Search = Promise<Record<string, string | string[] | undefined>>;

async function SurfaceTiles({ search }: { search: Search }) {
  const viewer = await currentViewer({ role: 'viewer' });
  const { ids } = selectedTenants(await listTenants(viewer), (await search).tenant);
  const rows = await last24hBySurface(ids);
  if (rows.length === 0) return <EmptyState>No rendered signals in the last 24 hours.</EmptyState>;
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      {rows.map((row) => (
        <Card key={row.surface} title={row.surface.toUpperCase()} testId={`tile-${row.surface}`}>
          <dl className="grid grid-cols-2 gap-2 text-sm">
            <dt className="text-slate-500">Signals</dt>
            <dd className="text-right font-mono">{row.events.toLocaleString('en')}</dd>
            <dt className="text-slate-500">≤ 2 s</dt>
            <dd className="text-right font-mono">{row.compliance50 ?? '–'}%</dd>
            <dt className="text-slate-500">≤ 5 s</dt>
            <dd className="text-right font-mono">{row.compliance95 ?? '–'}%</dd>
          </dl>
        </Card>
      ))}
    </div>
  );
}

export default function OverviewPage({ searchParams }: { searchParams: Search }) {
  return (
    <>
      <PageHeader title="Overview" description="Time to first signal against the SLO: p50 ≤ 2 s, p95 ≤ 5 s, last 24 hours" />
      <Suspense fallback={<div className="grid gap-4 sm:grid-cols-3"><CardSkeleton height="h-20" /><CardSkeleton height="h-20" /><CardSkeleton height="h-20" /></div>}>
        <SurfaceTiles search={searchParams} />
      </Suspense>
    </>
  );
}
