import Link from 'next/link';
import { Card, EmptyState } from '@/components/ui/card';
import { slowestEvents } from '@/lib/queries/dashboard';
import { dashboardContext, type Search } from './scope';

export async function DrillDownCard({ search }: { search: Search }) {
  const { scope, filters, tenantNames, window } = await dashboardContext(search);
  if (!filters.drill) return null;
  const hour = new Date(filters.drill);
  const drillScope = {
    ...scope,
    surface: filters.drillSurface ?? scope.surface,
    tenantIds:
      filters.drillTenant && scope.tenantIds.includes(filters.drillTenant)
        ? [filters.drillTenant]
        : scope.tenantIds,
    bucketHours: window.bucket === 'day' ? 24 : 1,
  };
  const events = await slowestEvents(hour, drillScope);
  const close = new URLSearchParams(
    Object.entries(search).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && !e[0].startsWith('drill'),
    ),
  );
  return (
    <div id="drill-down">
      <Card
        title={`Slowest events from ${hour.toISOString().slice(0, 16).replace('T', ' ')} UTC${drillScope.surface ? ` · ${drillScope.surface}` : ''}`}
        testId="drill-down"
        actions={
          <Link
            href={`/?${close}`}
            scroll={false}
            className="text-xs text-blue-700 hover:underline dark:text-blue-300"
          >
            Close
          </Link>
        }
      >
        {events.length === 0 ? (
          <EmptyState>No events in this bucket.</EmptyState>
        ) : (
          <table className="w-full text-left text-sm" data-testid="drill-table">
            <thead className="text-xs text-muted uppercase">
              <tr>
                <th className="py-1 pr-2">Job</th>
                <th className="pr-2">Tenant</th>
                <th className="pr-2">Surface</th>
                <th className="pr-2 text-right">TTFS</th>
                <th className="pr-2">Type</th>
                <th className="pr-2">Source</th>
                <th className="pr-2">Error</th>
                <th>Release</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {events.map((e, i) => (
                <tr key={i} data-testid="drill-row">
                  <td className="py-1 pr-2 font-mono text-xs">
                    <Link
                      className="text-blue-700 hover:underline dark:text-blue-300"
                      href={`/jobs/${e.jobId}`}
                    >
                      {e.jobId.slice(0, 8)}
                    </Link>
                  </td>
                  <td className="pr-2">{tenantNames[e.tenantId] ?? e.tenantId.slice(0, 8)}</td>
                  <td className="pr-2">{e.surface}</td>
                  <td className="pr-2 text-right font-mono" data-testid="drill-ttfs">
                    {e.ttfsMs}
                  </td>
                  <td className="pr-2">{e.eventType.replace('signal.', '')}</td>
                  <td className="pr-2">{e.signalSource ?? '–'}</td>
                  <td className="pr-2">{e.errorCode ?? '–'}</td>
                  <td>{e.release ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
