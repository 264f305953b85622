import { formatCount, formatDuration, formatPercent } from '@/lib/format';
import { Card } from '@/components/ui/card';
import {
  dailyBad,
  sliCounts,
  surfaceTotals,
  type SeriesPoint,
  type SliCounts,
} from '@/lib/queries/dashboard';
import {
  errorBudget,
  evaluateRule,
  OBJECTIVES,
  planRule,
  WORKBOOK_RULES,
  type BurnRule,
  type Objective,
  type RuleState,
  type WindowCounts,
} from '@/lib/slo/burn';
import { SLO_MIN_EVENTS } from '@/lib/slo/sli';
import { dashboardContext, LONG_WINDOW_HOURS, shortWindowCounts, type Search } from './scope';

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

interface BurnCell {
  tenant: string;
  surface: string;
  results: ({ rule: BurnRule } & ReturnType<typeof evaluateRule>)[];
}

/** A segment's state over all rules: firing if any rule fires, insufficient data if no rule could be judged. */
function cellState(cell: BurnCell): RuleState {
  if (cell.results.some((r) => r.state === 'firing')) return 'firing';
  return cell.results.every((r) => r.state === 'insufficient_data') ? 'insufficient_data' : 'ok';
}

const GRID_ROWS = 6;

/**
 * Burn rate per tenant x surface: tenants with a firing rule first, each cell
 * the segment's state over all rules (which rules fire, and the burn rates, in
 * its title); beyond a few tenants the rest is summarised in a sentence.
 */
function BurnGrid({
  objective,
  cells,
  tenantNames,
  surfaces,
}: {
  objective: string;
  cells: BurnCell[];
  tenantNames: Record<string, string>;
  surfaces: string[];
}) {
  if (cells.length === 0)
    return <p className="mt-2 text-xs text-muted">No signals in the rules&apos; windows.</p>;
  const tenants = [...new Set(cells.map((c) => c.tenant))];
  const firing = (t: string) => cells.some((c) => c.tenant === t && cellState(c) === 'firing');
  const ordered = [...tenants.filter(firing), ...tenants.filter((t) => !firing(t))];
  const shown = ordered.slice(0, Math.max(GRID_ROWS, tenants.filter(firing).length));
  const rest = cells.filter((c) => !shown.includes(c.tenant));
  const count = (list: BurnCell[], state: RuleState) => list.filter((c) => cellState(c) === state).length;
  const nFiring = count(cells, 'firing');
  return (
    <div className="mt-3" data-testid={`burn-grid-${objective}`}>
      <p className="mb-1 text-xs" data-testid={`burn-summary-${objective}`}>
        {nFiring > 0 ? (
          <span className="font-semibold text-danger">
            {nFiring} of {cells.length} tenant × surface segments firing
          </span>
        ) : (
          <span className="text-ok">No rule firing on any of {cells.length} segments</span>
        )}
        <span className="text-muted">
          {' '}
          · {count(cells, 'ok')} OK · {count(cells, 'insufficient_data')} insufficient data (under{' '}
          {MIN_EVENTS} signals)
        </span>
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-xs">
          <caption className="sr-only">Burn-rate state per tenant and surface</caption>
          <thead className="text-muted">
            <tr>
              <th scope="col" className="py-1 pr-2">
                Tenant
              </th>
              {surfaces.map((s) => (
                <th key={s} scope="col" className="pr-2">
                  {s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((tenant) => (
              <tr key={tenant}>
                <th scope="row" className="py-0.5 pr-2 font-normal">
                  {tenantNames[tenant] ?? tenant.slice(0, 8)}
                </th>
                {surfaces.map((surface) => {
                  const cell = cells.find((c) => c.tenant === tenant && c.surface === surface);
                  if (!cell)
                    return (
                      <td key={surface} className="pr-2 text-muted">
                        –
                      </td>
                    );
                  const state = cellState(cell);
                  const fired = cell.results.filter((r) => r.state === 'firing');
                  return (
                    <td
                      key={surface}
                      className="pr-2"
                      data-testid="burn-cell"
                      data-state={state}
                      title={cell.results
                        .map(
                          (r) =>
                            `${r.rule.severity} ${r.rule.longWindowHours} h: ${r.longBurn?.toFixed(2) ?? '–'}x / ${r.shortBurn?.toFixed(2) ?? '–'}x`,
                        )
                        .join('\n')}
                    >
                      <span
                        className={`inline-block rounded px-1.5 ${state === 'firing' ? 'bg-danger-soft font-semibold text-danger' : state === 'ok' ? 'text-ok' : 'text-muted'}`}
                      >
                        {state === 'firing'
                          ? fired.map((r) => `${r.rule.severity} ${r.rule.longWindowHours} h`).join(', ')
                          : state === 'ok'
                            ? 'ok'
                            : 'insufficient data'}
                      </span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rest.length > 0 && (
        <p className="mt-1 text-xs text-muted">
          {new Set(rest.map((c) => c.tenant)).size} more tenants, none firing: {count(rest, 'ok')} segments
          OK, {count(rest, 'insufficient_data')} with insufficient data.
        </p>
      )}
    </div>
  );
}

/** One objective's budget, burn-down and burn-rate rules. */
function ObjectiveBudget({
  objective,
  period,
  days,
  totals,
  windowRows,
  segments,
  surfaces,
  tenantNames,
}: {
  objective: Objective;
  /** SLI counts per tenant and surface over the budget period. */
  period: SliCounts[];
  days: { day: Date; bad2000: number; bad5000: number }[];
  totals: SeriesPoint[];
  /** SLI counts per tenant and surface for each burn-rate window (hours). */
  windowRows: Map<number, SliCounts[]>;
  segments: string[];
  surfaces: string[];
  tenantNames: Record<string, string>;
}) {
  const key = objective.id === 'p50' ? 'bad2000' : 'bad5000';
  const counts = sum(period, key);
  const budget = counts.total >= MIN_EVENTS ? errorBudget(counts, objective.target) : null;
  const exact = totals.map((t) => `${t.series} ${formatDuration(t[objective.id])}`);
  const allowed = (1 - objective.target) * counts.total;
  // The share of the budget left at the end of each day.
  const burnDown: { day: Date; left: number }[] = [];
  for (let i = 0, spent = 0; i < days.length; i++) {
    spent += days[i]![key];
    burnDown.push({ day: days[i]!.day, left: allowed > 0 ? Math.max(0, 1 - spent / allowed) : 0 });
  }
  const plans = WORKBOOK_RULES.map((rule) => ({ rule, plan: planRule(rule, objective.target) }));
  const grid: BurnCell[] = segments.map((segment) => {
    const [tenant, surface] = segment.split('|') as [string, string];
    const pick = (r: SliCounts) => r.tenantId === tenant && r.surface === surface;
    const results = plans.map(({ rule, plan }) => ({
      rule,
      ...evaluateRule(
        plan,
        sum(windowRows.get(rule.longWindowHours)!, key, pick),
        sum(windowRows.get(rule.shortWindowHours)!, key, pick),
        objective.target,
        MIN_EVENTS,
      ),
    }));
    return { tenant, surface, results };
  });
  return (
    <section
      key={objective.id}
      data-testid={`budget-${objective.id}`}
      className="rounded-md border border-line p-3"
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
            {formatPercent(budget.remaining, 0)}{' '}
            <span className="text-sm font-normal text-muted">of the budget left</span>
          </p>
          <p className="text-xs text-muted">
            SLI {formatPercent(budget.sli, 2)} good of {formatCount(counts.total)} signals;{' '}
            {formatCount(counts.bad)} bad of {formatCount(budget.allowedBad)} allowed
          </p>
          <ol className="mt-2 flex h-10 items-end gap-px" aria-label="Budget burn-down by day">
            {burnDown.map(({ day, left }) => (
              <li
                key={day.toISOString()}
                title={`${day.toISOString().slice(0, 10)}: ${formatPercent(left, 0)} left`}
                className={`flex-1 ${left > 0.25 ? 'bg-ok' : left > 0 ? 'bg-warn' : 'bg-danger'}`}
                style={{ height: `${Math.max(4, left * 100)}%` }}
              />
            ))}
          </ol>
        </>
      ) : (
        <p className="mt-2 text-sm text-muted" data-testid={`budget-${objective.id}-insufficient`}>
          Insufficient data: {counts.total} signals in the period (minimum {MIN_EVENTS}).
        </p>
      )}
      <table className="mt-3 w-full text-left text-xs">
        <caption className="sr-only">Burn-rate rules for this objective</caption>
        <thead className="text-muted">
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Threshold</th>
            <th scope="col" className="text-right">
              Firing
            </th>
          </tr>
        </thead>
        <tbody>
          {plans.map(({ rule, plan }) => (
            <tr
              key={rule.name}
              className="align-top"
              data-testid={`rule-${objective.id}-${rule.longWindowHours}h`}
              data-feasible={plan.feasible}
            >
              <td className="py-1 pr-2">
                {rule.severity}: {rule.name}{' '}
                <span className="text-muted">
                  ({rule.longWindowHours} h, confirmed over {Math.round(rule.shortWindowHours * 60)} min)
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
              <td className="text-right font-mono">
                {grid.filter((c) => c.results.find((r) => r.rule === rule)?.state === 'firing').length}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <BurnGrid objective={objective.id} cells={grid} tenantNames={tenantNames} surfaces={surfaces} />
      {plans.some(({ plan }) => !plan.feasible) && (
        <p className="mt-2 text-xs text-warn">
          At a {objective.target * 100}% target the burn rate cannot exceed{' '}
          {(1 / (1 - objective.target)).toFixed(0)}x, so the workbook&apos;s faster rules can never fire; they
          use derived thresholds (share of bad signals in the window) instead.
        </p>
      )}
    </section>
  );
}

export async function BudgetCard({ search }: { search: Search }) {
  const { scope, filters, tenantNames, now } = await dashboardContext(search);
  const from = budgetFrom(filters.budget, now);
  // Windows under 6 hours are exact to the millisecond, all in one statement (started by the page); longer ones count whole hours.
  const [period, days, totals, shortRows, ...longRows] = await Promise.all([
    sliCounts(from, now, scope),
    dailyBad(from, now, scope),
    surfaceTotals({ from, to: now }, scope),
    shortWindowCounts(search),
    ...LONG_WINDOW_HOURS.map((h) => sliCounts(new Date(now.getTime() - h * 3600_000), now, scope)),
  ]);
  const windowRows = new Map([...shortRows, ...LONG_WINDOW_HOURS.map((h, i) => [h, longRows[i]!] as const)]);
  const segments = [...new Set(period.map((r) => `${r.tenantId}|${r.surface}`))].sort();
  const surfaces = [...new Set(period.map((r) => r.surface))].sort();

  return (
    <Card
      title={`Error budget (${filters.budget === 'month' ? 'calendar month' : `${filters.budget} rolling`}) and burn rate`}
      testId="budget-card"
    >
      <div className="grid gap-4 lg:grid-cols-2">
        {OBJECTIVES.map((objective) => (
          <ObjectiveBudget
            key={objective.id}
            objective={objective}
            period={period}
            days={days}
            totals={totals}
            windowRows={windowRows}
            segments={segments}
            surfaces={surfaces}
            tenantNames={tenantNames}
          />
        ))}
      </div>
    </Card>
  );
}
