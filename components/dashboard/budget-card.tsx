import { Card } from '@/components/ui/card';
import { dailyBad, sliCounts, surfaceTotals, type SliCounts } from '@/lib/queries/dashboard';
import {
  errorBudget,
  evaluateRule,
  OBJECTIVES,
  planRule,
  WORKBOOK_RULES,
  type WindowCounts,
} from '@/lib/slo/burn';
import { SLO_MIN_EVENTS } from '@/lib/slo/sli';
import { dashboardContext, shortWindowCounts, type Search } from './scope';
import { fmtMs, fmtPct } from './format';

const MIN_EVENTS = SLO_MIN_EVENTS;

function budgetFrom(kind: string, now: Date) {
  if (kind === 'month') return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const days = kind === '7d' ? 7 : kind === '28d' ? 28 : 30;
  return new Date(now.getTime() - days * 86400_000);
}

const sum = (
  rows: SliCounts[],
  key: 'bad2000' | 'bad5000',
  pick: (r: SliCounts) => boolean = () => true,
): WindowCounts =>
  rows
    .filter(pick)
    .reduce((acc, r) => ({ total: acc.total + r.total, bad: acc.bad + r[key] }), { total: 0, bad: 0 });

export async function BudgetCard({ search }: { search: Search }) {
  const { scope, filters, tenantNames, now } = await dashboardContext(search);
  const from = budgetFrom(filters.budget, now);
  const windows = [...new Set(WORKBOOK_RULES.flatMap((r) => [r.longWindowHours, r.shortWindowHours]))];
  // Windows under 6 hours are exact to the millisecond, all in one statement (started by the page); longer ones count whole hours.
  const longWindows = windows.filter((h) => h >= 6);
  const [period, days, totals, shortRows, ...longRows] = await Promise.all([
    sliCounts(from, now, scope),
    dailyBad(from, now, scope),
    surfaceTotals({ from, to: now }, scope),
    shortWindowCounts(search),
    ...longWindows.map((h) => sliCounts(new Date(now.getTime() - h * 3600_000), now, scope)),
  ]);
  const windowRows = new Map([...shortRows, ...longWindows.map((h, i) => [h, longRows[i]!] as const)]);
  const segments = [...new Set(period.map((r) => `${r.tenantId}|${r.surface}`))].sort();

  return (
    <Card
      title={`Error budget (${filters.budget === 'month' ? 'calendar month' : `${filters.budget} rolling`}) and burn rate`}
      testId="budget-card"
    >
      <div className="grid gap-4 lg:grid-cols-2">
        {OBJECTIVES.map((objective) => {
          const key = objective.id === 'p50' ? 'bad2000' : 'bad5000';
          const counts = sum(period, key);
          const budget = counts.total >= MIN_EVENTS ? errorBudget(counts, objective.target) : null;
          const exact =
            objective.id === 'p50'
              ? totals.map((t) => `${t.series} ${fmtMs(t.p50)}`)
              : totals.map((t) => `${t.series} ${fmtMs(t.p95)}`);
          let spent = 0;
          const allowed = (1 - objective.target) * counts.total;
          return (
            <section
              key={objective.id}
              data-testid={`budget-${objective.id}`}
              className="rounded-md border border-slate-200 p-3 dark:border-slate-800"
            >
              <h3 className="text-sm font-semibold">
                Signals within {objective.thresholdMs / 1000} s · target {objective.target * 100}%
              </h3>
              <p className="mt-1 text-xs text-muted">
                Exact {objective.id} over the same period: {exact.join(' · ') || '–'}
              </p>
              {budget ? (
                <>
                  <p
                    className="mt-2 text-2xl font-semibold tabular-nums"
                    data-testid={`budget-${objective.id}-remaining`}
                  >
                    {fmtPct(budget.remaining, 0)}{' '}
                    <span className="text-sm font-normal text-muted">of the budget left</span>
                  </p>
                  <p className="text-xs text-muted">
                    SLI {fmtPct(budget.sli, 2)} good of {counts.total.toLocaleString('en')} signals;{' '}
                    {counts.bad.toLocaleString('en')} bad of{' '}
                    {Math.round(budget.allowedBad).toLocaleString('en')} allowed
                  </p>
                  <ol className="mt-2 flex h-10 items-end gap-px" aria-label="Budget burn-down by day">
                    {days.map((d) => {
                      spent += d[key];
                      const left = allowed > 0 ? Math.max(0, 1 - spent / allowed) : 0;
                      return (
                        <li
                          key={d.day.toISOString()}
                          title={`${d.day.toISOString().slice(0, 10)}: ${fmtPct(left, 0)} left`}
                          className={`flex-1 ${left > 0.25 ? 'bg-emerald-500' : left > 0 ? 'bg-amber-500' : 'bg-rose-500'}`}
                          style={{ height: `${Math.max(4, left * 100)}%` }}
                        />
                      );
                    })}
                  </ol>
                </>
              ) : (
                <p className="mt-2 text-sm text-muted" data-testid={`budget-${objective.id}-insufficient`}>
                  Insufficient data: {counts.total} signals in the period (minimum {MIN_EVENTS}).
                </p>
              )}
              <table className="mt-3 w-full text-left text-xs">
                <thead className="text-muted">
                  <tr>
                    <th>Rule</th>
                    <th>Threshold</th>
                    <th>Status by surface</th>
                  </tr>
                </thead>
                <tbody>
                  {WORKBOOK_RULES.map((rule) => {
                    const plan = planRule(rule, objective.target);
                    return (
                      <tr
                        key={rule.name}
                        className="align-top"
                        data-testid={`rule-${objective.id}-${rule.longWindowHours}h`}
                        data-feasible={plan.feasible}
                      >
                        <td className="py-1 pr-2">
                          {rule.severity}: {rule.name}{' '}
                          <span className="text-muted">
                            ({rule.longWindowHours} h, confirmed over {Math.round(rule.shortWindowHours * 60)}{' '}
                            min)
                          </span>
                        </td>
                        <td className="pr-2">
                          {plan.feasible ? (
                            `${plan.threshold}x`
                          ) : (
                            <span title={plan.explanation}>
                              {rule.burnRate}x can never fire → {plan.threshold}x
                            </span>
                          )}
                        </td>
                        <td>
                          {segments.length === 0
                            ? '–'
                            : segments.map((segment) => {
                                const [tenant, surface] = segment.split('|') as [string, string];
                                const pick = (r: SliCounts) => r.tenantId === tenant && r.surface === surface;
                                const result = evaluateRule(
                                  plan,
                                  sum(windowRows.get(rule.longWindowHours)!, key, pick),
                                  sum(windowRows.get(rule.shortWindowHours)!, key, pick),
                                  objective.target,
                                  MIN_EVENTS,
                                );
                                const style =
                                  result.state === 'firing'
                                    ? 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200'
                                    : result.state === 'ok'
                                      ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200'
                                      : 'bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300';
                                return (
                                  <span
                                    key={segment}
                                    className={`mr-1 mb-1 inline-block rounded px-1.5 ${style}`}
                                    data-state={result.state}
                                    title={`${tenantNames[tenant] ?? tenant} ${surface}: ${result.longBurn?.toFixed(2) ?? '–'}x over ${rule.longWindowHours} h, ${result.shortBurn?.toFixed(2) ?? '–'}x over the short window`}
                                  >
                                    {(tenantNames[tenant] ?? tenant.slice(0, 6)).split(' ')[0]} {surface}{' '}
                                    {result.state === 'insufficient_data'
                                      ? 'insufficient data'
                                      : result.state}
                                  </span>
                                );
                              })}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              {WORKBOOK_RULES.some((r) => !planRule(r, objective.target).feasible) && (
                <p className="mt-2 text-xs text-amber-800 dark:text-amber-300">
                  At a {objective.target * 100}% target the burn rate cannot exceed{' '}
                  {(1 / (1 - objective.target)).toFixed(0)}x, so the workbook&apos;s faster rules can never
                  fire; they use derived thresholds (share of bad signals in the window) instead.
                </p>
              )}
            </section>
          );
        })}
      </div>
    </Card>
  );
}
