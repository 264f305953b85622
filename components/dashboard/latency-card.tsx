import { LatencyChart } from '@/components/charts/latency-chart';
import { Card, EmptyState } from '@/components/ui/card';
import { latencySeries, releaseChanges, signatureToggles } from '@/lib/queries/dashboard';
import { dashboardContext, type Search } from './scope';
import { fmtMs } from './format';

export async function LatencyCard({ search }: { search: Search }) {
  const { scope, window, filters } = await dashboardContext(search);
  const [points, releases, toggles] = await Promise.all([latencySeries(window, scope, filters.split), releaseChanges(window, scope), signatureToggles(window, scope)]);
  const partialFrom = new Date(window.to.getTime() - (window.bucket === 'day' ? 86400_000 : 3600_000)).toISOString();
  const csv = new URLSearchParams(Object.entries(search).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return (
    <Card
      testId="latency-card"
      title={`TTFS p50 / p95 / p99 by ${filters.split === 'cache' ? 'cache hit vs cold start' : 'surface'} (${window.bucket === 'day' ? 'daily' : 'hourly'})`}
      actions={<a className="text-xs text-blue-700 hover:underline dark:text-blue-300" href={`/api/v1/dashboard/series?${csv}`} data-testid="csv-export" download>Export CSV</a>}
    >
      {points.length === 0 ? (
        <EmptyState>No measurements in this range.</EmptyState>
      ) : (
        <>
          <LatencyChart points={points.map((p) => ({ bucket: p.bucket.toISOString(), series: p.series, events: p.events, p50: p.p50, p95: p.p95, p99: p.p99 }))} bucket={window.bucket} partialFrom={partialFrom} releases={releases.map((r) => ({ at: r.at.toISOString(), release: r.release }))} toggles={toggles.map((t) => ({ at: t.at.toISOString(), label: `${t.action === 'enable' ? 'enabled' : 'disabled'}: ${t.cause ?? 'signature'}` }))} />
          <p className="mt-2 text-xs text-slate-500">Dashed: p50 · solid: p95 · dotted: p99. Grey markers: releases; purple: failure-signature changes; red/green: a series&apos; p95 crossing 5 s. The shaded bucket is still filling. Click a point for its slowest events.</p>
          <details className="mt-2 text-xs">
            <summary className="cursor-pointer text-slate-600 dark:text-slate-300">Data table</summary>
            <div className="max-h-64 overflow-auto">
              <table className="mt-2 w-full text-left" data-testid="latency-table">
                <thead><tr><th>Time (UTC)</th><th>Series</th><th className="text-right">Events</th><th className="text-right">p50</th><th className="text-right">p95</th><th className="text-right">p99</th></tr></thead>
                <tbody>
                  {points.map((p) => (
                    <tr key={`${p.bucket.toISOString()}-${p.series}`}>
                      <td>{p.bucket.toISOString().slice(0, 16).replace('T', ' ')}</td><td>{p.series}</td>
                      <td className="text-right font-mono">{p.events}</td><td className="text-right font-mono">{fmtMs(p.p50)}</td><td className="text-right font-mono">{fmtMs(p.p95)}</td><td className="text-right font-mono">{fmtMs(p.p99)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </Card>
  );
}
