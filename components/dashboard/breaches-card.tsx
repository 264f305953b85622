import Link from 'next/link';
import { Card, EmptyState } from '@/components/ui/card';
import { sloBreaches } from '@/lib/queries/dashboard';
import { dashboardContext, type Search } from './scope';

export async function BreachesCard({ search }: { search: Search }) {
  const { scope, tenantNames } = await dashboardContext(search);
  const rows = await sloBreaches(scope);
  const link = (hour: Date, tenant: string, surface: string) => {
    const params = new URLSearchParams(
      Object.entries(search).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    params.set('drill', hour.toISOString());
    params.set('drillSurface', surface);
    params.set('drillTenant', tenant);
    return `/?${params}#drill-down`;
  };
  return (
    <Card title="SLO breaches, last 24 hours (worst first)" testId="breaches-card">
      {rows.length === 0 ? (
        <EmptyState>No hour breached either objective in the last 24 hours.</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="breaches-table">
            <thead className="text-xs text-muted uppercase">
              <tr>
                <th className="py-1 pr-2">Hour</th>
                <th className="pr-2">Tenant</th>
                <th className="pr-2">Surface</th>
                <th className="pr-2 text-right">Signals</th>
                <th className="pr-2 text-right">≤ 2 s</th>
                <th className="text-right">≤ 5 s</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {rows.map((r) => (
                <tr key={`${r.hour.toISOString()}-${r.tenantId}-${r.surface}`} data-testid="breach-row">
                  <td className="py-1 pr-2">
                    <Link
                      className="text-blue-700 hover:underline dark:text-blue-300"
                      href={link(r.hour, r.tenantId, r.surface)}
                      scroll={false}
                    >
                      <time dateTime={r.hour.toISOString()} title={`${r.hour.toISOString()} UTC`}>
                        {r.hour.toISOString().slice(5, 16).replace('T', ' ')} UTC
                      </time>
                    </Link>
                  </td>
                  <td className="pr-2">{tenantNames[r.tenantId] ?? r.tenantId.slice(0, 8)}</td>
                  <td className="pr-2">{r.surface}</td>
                  <td className="pr-2 text-right font-mono">{r.total}</td>
                  <td
                    className={`pr-2 text-right font-mono ${r.p50Compliance < 50 ? 'text-rose-700 dark:text-rose-400' : ''}`}
                  >
                    {r.p50Compliance.toFixed(1)}%
                  </td>
                  <td
                    className={`text-right font-mono ${r.p95Compliance < 95 ? 'text-rose-700 dark:text-rose-400' : ''}`}
                  >
                    {r.p95Compliance.toFixed(1)}%
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
