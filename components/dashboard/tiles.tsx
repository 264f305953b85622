import { Card, EmptyState } from '@/components/ui/card';
import { surfaceTotals, type SeriesPoint } from '@/lib/queries/dashboard';
import { previousWindow } from '@/lib/schemas/dashboard';
import { dashboardContext, type Search } from './scope';
import { delta, fmtMs, fmtPct } from './format';

function Stat({
  label,
  value,
  change,
  testId,
}: {
  label: string;
  value: string;
  change: ReturnType<typeof delta>;
  testId?: string;
}) {
  return (
    <div>
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="font-mono text-sm tabular-nums" data-testid={testId}>
        {value}
        {change && (
          <span
            className={`ml-1 text-[11px] ${change.good ? 'text-emerald-700 dark:text-emerald-400' : 'text-rose-700 dark:text-rose-400'}`}
            title="against the previous period of the same length"
          >
            {change.text}
          </span>
        )}
      </dd>
    </div>
  );
}

const compliance = (p: SeriesPoint | undefined, over: 'over2000' | 'over5000') =>
  p && p.events ? 1 - p[over] / p.events : null;
const rate = (p: SeriesPoint | undefined, key: 'cacheHits' | 'errors') =>
  p && p.events ? p[key] / p.events : null;

export async function Tiles({ search }: { search: Search }) {
  const { scope, window } = await dashboardContext(search);
  const [now, before] = await Promise.all([
    surfaceTotals(window, scope),
    surfaceTotals(previousWindow(window), scope),
  ]);
  if (now.length === 0)
    return (
      <EmptyState>
        No measurements in this range. Clients report through POST /api/v1/telemetry/ttfs.
      </EmptyState>
    );
  return (
    <div className="grid gap-4 md:grid-cols-3" data-testid="tiles">
      {now.map((p) => {
        const b = before.find((x) => x.series === p.series);
        const breach = (p.p50 ?? 0) > 2000 || (p.p95 ?? 0) > 5000;
        return (
          <Card
            key={p.series}
            testId={`tile-${p.series}`}
            title={
              <span className="flex items-center gap-2">
                {p.series.toUpperCase()}{' '}
                {breach ? (
                  <span className="rounded bg-rose-100 px-1.5 text-[11px] text-rose-800 dark:bg-rose-950 dark:text-rose-200">
                    outside SLO
                  </span>
                ) : (
                  <span className="rounded bg-emerald-100 px-1.5 text-[11px] text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
                    within SLO
                  </span>
                )}
              </span>
            }
          >
            <dl className="grid grid-cols-3 gap-3">
              <Stat
                label="p50"
                value={fmtMs(p.p50)}
                change={delta(p.p50, b?.p50 ?? null)}
                testId={`tile-${p.series}-p50`}
              />
              <Stat
                label="p95"
                value={fmtMs(p.p95)}
                change={delta(p.p95, b?.p95 ?? null)}
                testId={`tile-${p.series}-p95`}
              />
              <Stat label="p99" value={fmtMs(p.p99)} change={delta(p.p99, b?.p99 ?? null)} />
              <Stat
                label="≤ 2 s"
                value={fmtPct(compliance(p, 'over2000'))}
                change={delta(compliance(p, 'over2000'), compliance(b, 'over2000'), false)}
              />
              <Stat
                label="≤ 5 s"
                value={fmtPct(compliance(p, 'over5000'))}
                change={delta(compliance(p, 'over5000'), compliance(b, 'over5000'), false)}
              />
              <Stat
                label="events"
                value={p.events.toLocaleString('en')}
                change={delta(p.events, b?.events ?? null, false)}
                testId={`tile-${p.series}-events`}
              />
              <Stat
                label="cache hits"
                value={fmtPct(rate(p, 'cacheHits'))}
                change={delta(rate(p, 'cacheHits'), rate(b, 'cacheHits'), false)}
              />
              <Stat
                label="errors"
                value={fmtPct(rate(p, 'errors'), 2)}
                change={delta(rate(p, 'errors'), rate(b, 'errors'))}
              />
            </dl>
          </Card>
        );
      })}
    </div>
  );
}
