import { Card, EmptyState } from '@/components/ui/card';
import { formatCount, formatDuration } from '@/lib/format';
import { consolePageTimings, surfaceTotals } from '@/lib/queries/dashboard';
import { dashboardContext, type Search } from './scope';

/**
 * The console's own time to first signal (each page's main content drawn,
 * reported by the page itself) beside the platform's UI surface, last 24 hours.
 */
export async function ConsoleCard({ search }: { search: Search }) {
  const { scope, now } = await dashboardContext(search);
  const from = new Date(now.getTime() - 24 * 3600_000);
  const [pages, platform] = await Promise.all([
    consolePageTimings(from, now, scope.tenantIds),
    surfaceTotals({ from, to: now }, { ...scope, surface: 'ui' }),
  ]);
  const ui = platform.find((p) => p.series === 'ui');
  return (
    <Card title="The console's own time to main content, last 24 hours" testId="console-card">
      <p className="mb-2 text-xs text-muted">
        Each page reports when its main content is drawn (for the overview: the chart), measured from
        navigation start in the viewer&apos;s browser. Target for the overview: p95 ≤ 300 ms. For comparison,
        the platform&apos;s UI surface: p50 {formatDuration(ui?.p50)}, p95 {formatDuration(ui?.p95)}.
      </p>
      {pages.length === 0 ? (
        <EmptyState>No page views reported in the last 24 hours.</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="console-table">
            <thead className="text-xs text-muted">
              <tr>
                <th scope="col" className="py-1 pr-2">
                  Page
                </th>
                <th scope="col" className="pr-2 text-right">
                  Views
                </th>
                <th scope="col" className="pr-2 text-right">
                  p50
                </th>
                <th scope="col" className="text-right">
                  p95
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {pages.map((p) => (
                <tr key={p.page} data-testid="console-row" data-page={p.page}>
                  <td className="py-1 pr-2">{p.page}</td>
                  <td className="pr-2 text-right font-mono">{formatCount(p.views)}</td>
                  <td className="pr-2 text-right font-mono">{formatDuration(p.p50)}</td>
                  <td
                    className={`text-right font-mono ${p.page === 'overview' && (p.p95 ?? 0) > 300 ? 'text-danger' : ''}`}
                  >
                    {formatDuration(p.p95)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
