import { Suspense } from 'react';
import { Card, CardSkeleton, EmptyState, PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { listSignatures } from '@/lib/queries/signatures';
import { listTenants } from '@/lib/queries/tenants';
import { selectedTenants } from '@/lib/tenant-scope';

export const metadata = { title: 'Failure signatures' };
type Search = Promise<Record<string, string | string[] | undefined>>;

async function SignaturesTable({ search }: { search: Search }) {
  const viewer = await currentViewer({ role: 'admin' });
  const { ids } = selectedTenants(await listTenants(viewer), (await search).tenant);
  const rows = await listSignatures(ids);
  if (rows.length === 0) return <EmptyState>No failure signatures.</EmptyState>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="signatures-table">
        <thead className="text-xs text-slate-500 uppercase">
          <tr><th className="py-2 pr-3">Pattern</th><th className="pr-3">Likely cause</th><th className="pr-3 text-right">Confidence</th><th className="pr-3 text-right">Samples</th><th>Enabled</th></tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {rows.map((s) => (
            <tr key={s.id}>
              <td className="py-2 pr-3 font-mono text-xs">{[s.pattern.phase, s.pattern.error_code, s.pattern.image_pattern].filter(Boolean).join(' · ')}</td>
              <td className="pr-3">{s.outcome.likely_cause}</td>
              <td className="pr-3 text-right font-mono">{s.confidence.toFixed(2)}</td>
              <td className="pr-3 text-right font-mono">{s.sampleCount}</td>
              <td>{s.enabled ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function SignaturesPage({ searchParams }: { searchParams: Search }) {
  return (
    <>
      <PageHeader title="Failure signatures" description="Known failure patterns and their likely cause" />
      <Card>
        <Suspense fallback={<CardSkeleton height="h-96" />}>
          <SignaturesTable search={searchParams} />
        </Suspense>
      </Card>
    </>
  );
}
