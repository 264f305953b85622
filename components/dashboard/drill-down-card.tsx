import Link from 'next/link';
import { Card, EmptyState } from '@/components/ui/card';
import { formatDateTime, formatDay, formatDuration } from '@/lib/format';
import { displayZone } from '@/lib/format/server';
import { slowestEvents } from '@/lib/queries/dashboard';
import { GRAIN_MS } from '@/lib/schemas/dashboard';
import { dashboardContext, toUrlParams, type Search } from './scope';

/** Shown beside the chart before a bucket is picked, at the size the drill-down takes (nothing moves). */
export function DrillDownPlaceholder() {
  return (
    <Card title="Slowest events" testId="drill-down-empty" className="h-full">
      <p className="text-sm text-muted">
        Pick a bucket in the chart (click, tap, or focus the chart and press Enter) or an hour in the breaches
        table to list its slowest events here.
      </p>
    </Card>
  );
}

export async function DrillDownCard({ search }: { search: Search }) {
  const { scope, filters, tenantNames, window, canOpenJobs } = await dashboardContext(search);
  if (!filters.drill) return <DrillDownPlaceholder />;
  const start = new Date(filters.drill);
  const drillScope = {
    ...scope,
    surface: filters.drillSurface ?? scope.surface,
    tenantIds:
      filters.drillTenant && scope.tenantIds.includes(filters.drillTenant)
        ? [filters.drillTenant]
        : scope.tenantIds,
    bucketMs: filters.drillSurface || filters.drillTenant ? GRAIN_MS.hour : GRAIN_MS[window.bucket],
  };
  const [events, zone] = await Promise.all([slowestEvents(start, drillScope, 12), displayZone()]);
  const close = toUrlParams(search, { withoutDrill: true });
  const when = drillScope.bucketMs >= GRAIN_MS.day ? formatDay(start, zone) : formatDateTime(start, zone);
  return (
    <div id="drill-down" className="h-full">
      <Card
        title={`Slowest events, ${when}${drillScope.surface ? ` · ${drillScope.surface}` : ''}`}
        testId="drill-down"
        className="h-full"
        actions={
          <Link href={`/?${close}`} scroll={false} className="text-xs text-link hover:underline">
            Close
          </Link>
        }
      >
        {events.length === 0 ? (
          <EmptyState>No events in this bucket.</EmptyState>
        ) : (
          <div className="max-h-96 overflow-auto">
            <table className="w-full text-left text-sm" data-testid="drill-table">
              <thead className="text-xs text-muted">
                <tr>
                  <th scope="col" className="py-1 pr-2">
                    Job
                  </th>
                  <th scope="col" className="pr-2 text-right">
                    TTFS
                  </th>
                  <th scope="col">What</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {events.map((e, i) => (
                  <tr key={i} data-testid="drill-row" className="align-top">
                    <td className="py-1 pr-2 font-mono text-xs">
                      {canOpenJobs ? (
                        <Link className="text-link hover:underline" href={`/jobs/${e.jobId}`}>
                          {e.jobId.slice(0, 8)}
                        </Link>
                      ) : (
                        <span title={e.jobId}>{e.jobId.slice(0, 8)}</span>
                      )}
                    </td>
                    <td
                      className="pr-2 text-right font-mono whitespace-nowrap"
                      data-testid="drill-ttfs"
                      data-ms={e.ttfsMs}
                    >
                      {formatDuration(e.ttfsMs)}
                    </td>
                    <td className="text-xs">
                      {e.eventType.replace('signal.', '')} · {e.surface} ·{' '}
                      {tenantNames[e.tenantId] ?? e.tenantId.slice(0, 8)}
                      {e.errorCode ? ` · ${e.errorCode}` : ''}
                      {e.release ? ` · ${e.release}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
