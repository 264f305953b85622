import Link from 'next/link';
import { Card, EmptyState } from '@/components/ui/card';
import { formatDateTime, formatPercent } from '@/lib/format';
import { displayZone } from '@/lib/format/server';
import { hourlySli, type HourSli } from '@/lib/queries/dashboard';
import { P50_OBJECTIVE, P95_OBJECTIVE } from '@/lib/slo/burn';
import { goodRatio, judge, SLO_MIN_EVENTS } from '@/lib/slo/sli';
import { dashboardContext, toUrlParams, type Search } from './scope';

/**
 * Hours of the last 24 in which a tenant's surface missed an objective, by the
 * one SLI (docs/slo.md), worst first. Hours under the minimum signal count are
 * not judged: they are counted as "insufficient data" and never listed as breaches.
 */
export async function BreachesCard({ search }: { search: Search }) {
  const { scope, tenantNames, now } = await dashboardContext(search);
  const [cells, zone] = await Promise.all([
    hourlySli(new Date(now.getTime() - 24 * 3600_000), now, scope),
    displayZone(),
  ]);
  const judged = cells.map((c) => ({
    ...c,
    p50: goodRatio(c, P50_OBJECTIVE)!,
    p95: goodRatio(c, P95_OBJECTIVE)!,
    v50: judge(c, P50_OBJECTIVE),
    v95: judge(c, P95_OBJECTIVE),
  }));
  const breaches = judged
    .filter((c) => c.v50 === 'breach' || c.v95 === 'breach')
    .sort((a, b) => a.p95 - b.p95 || a.p50 - b.p50 || b.total - a.total);
  const thin = judged.filter((c) => c.v50 === 'insufficient' && (c.bad2000 > 0 || c.bad5000 > 0));
  const link = (c: HourSli) => {
    const params = toUrlParams(search);
    params.set('drill', c.hour.toISOString());
    params.set('drillSurface', c.surface);
    params.set('drillTenant', c.tenantId);
    return `/?${params}#drill-down`;
  };
  const shown = breaches.slice(0, 12);
  return (
    <Card title="SLO breaches, last 24 hours (worst first)" testId="breaches-card">
      <p className="mb-2 text-xs text-muted">
        An hour of one tenant&apos;s surface breaches when under 50 % of its signals arrive within 2 s or
        under 95 % within 5 s; timeouts and errors count as late, as in the error budget. Hours with fewer
        than {SLO_MIN_EVENTS} signals are not judged.
      </p>
      {shown.length === 0 ? (
        <EmptyState>No hour breached either objective in the last 24 hours.</EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="breaches-table">
            <thead className="text-xs text-muted">
              <tr>
                <th scope="col" className="py-1 pr-2">
                  Hour
                </th>
                <th scope="col" className="pr-2">
                  Tenant · surface
                </th>
                <th scope="col" className="pr-2 text-right">
                  Signals
                </th>
                <th scope="col" className="pr-2 text-right">
                  ≤ 2 s
                </th>
                <th scope="col" className="text-right">
                  ≤ 5 s
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {shown.map((r) => (
                <tr
                  key={`${r.hour.toISOString()}-${r.tenantId}-${r.surface}`}
                  data-testid="breach-row"
                  data-hour={r.hour.toISOString()}
                >
                  <td className="py-1 pr-2 whitespace-nowrap">
                    <Link className="text-link hover:underline" href={link(r)} scroll={false}>
                      <time dateTime={r.hour.toISOString()}>{formatDateTime(r.hour, zone)}</time>
                    </Link>
                  </td>
                  <td className="pr-2">
                    {tenantNames[r.tenantId] ?? r.tenantId.slice(0, 8)} · {r.surface}
                  </td>
                  <td className="pr-2 text-right font-mono">{r.total}</td>
                  <td
                    className={`pr-2 text-right font-mono ${r.v50 === 'breach' ? 'font-semibold text-danger' : ''}`}
                  >
                    {formatPercent(r.p50)}
                  </td>
                  <td
                    className={`text-right font-mono ${r.v95 === 'breach' ? 'font-semibold text-danger' : ''}`}
                  >
                    {formatPercent(r.p95)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {breaches.length > shown.length && (
            <p className="mt-1 text-xs text-muted">and {breaches.length - shown.length} more hours</p>
          )}
        </div>
      )}
      {thin.length > 0 && (
        <p className="mt-2 text-xs text-muted" data-testid="breaches-insufficient">
          Insufficient data: {thin.length} {thin.length === 1 ? 'hour' : 'hours'} with late signals but fewer
          than {SLO_MIN_EVENTS} signals in all, not judged.
        </p>
      )}
    </Card>
  );
}
