import { Card, EmptyState } from '@/components/ui/card';
import { surfaceTotals, type SeriesPoint } from '@/lib/queries/dashboard';
import { previousWindow } from '@/lib/schemas/dashboard';
import { P50_OBJECTIVE, P95_OBJECTIVE } from '@/lib/slo/burn';
import { goodRatio, judgeBoth, sliCount } from '@/lib/slo/sli';
import { dashboardContext, type Search } from './scope';
import { formatCount, formatDuration, formatPercent } from '@/lib/format';

/** A change against the previous period as `+12%`, and whether it is for the better. */
function delta(now: number | null, before: number | null, lowerIsBetter = true) {
  if (now === null || before === null || before === 0) return null;
  const change = (now - before) / before;
  return {
    text: `${change > 0 ? '+' : ''}${(change * 100).toFixed(0)}%`,
    good: lowerIsBetter ? change <= 0 : change >= 0,
  };
}

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
            className={`ml-1 text-[11px] ${change.good ? 'text-ok' : 'text-danger'}`}
            title="against the previous period of the same length"
          >
            {change.text}
          </span>
        )}
      </dd>
    </div>
  );
}

// The one SLI (docs/slo.md), as the error budget counts it: first-signal outcomes, timeouts and errors late.
const compliance = (p: SeriesPoint | undefined, objective: 'p50' | 'p95') =>
  p ? goodRatio(sliCount(p), objective === 'p50' ? P50_OBJECTIVE : P95_OBJECTIVE) : null;

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
    <div>
      <div className="grid grid-cols-1 gap-4 md:grid-cols-3" data-testid="tiles">
        {now.map((p) => {
          const b = before.find((x) => x.series === p.series);
          const verdict = judgeBoth(sliCount(p));
          return (
            <Card
              key={p.series}
              testId={`tile-${p.series}`}
              title={
                <span className="flex items-center gap-2">
                  {p.series.toUpperCase()}{' '}
                  <span
                    data-testid={`tile-${p.series}-verdict`}
                    data-verdict={verdict}
                    className={`rounded px-1.5 text-[11px] ${verdict === 'breach' ? 'bg-danger-soft text-danger' : verdict === 'ok' ? 'bg-ok-soft text-ok' : 'bg-subtle text-muted'}`}
                  >
                    {verdict === 'breach'
                      ? 'outside SLO'
                      : verdict === 'ok'
                        ? 'within SLO'
                        : 'insufficient data'}
                  </span>
                </span>
              }
            >
              <dl className="grid grid-cols-3 gap-3">
                <Stat
                  label="p50"
                  value={formatDuration(p.p50)}
                  change={delta(p.p50, b?.p50 ?? null)}
                  testId={`tile-${p.series}-p50`}
                />
                <Stat
                  label="p95"
                  value={formatDuration(p.p95)}
                  change={delta(p.p95, b?.p95 ?? null)}
                  testId={`tile-${p.series}-p95`}
                />
                <Stat label="p99" value={formatDuration(p.p99)} change={delta(p.p99, b?.p99 ?? null)} />
                <Stat
                  label="signals ≤ 2 s"
                  value={formatPercent(compliance(p, 'p50'))}
                  change={delta(compliance(p, 'p50'), compliance(b, 'p50'), false)}
                />
                <Stat
                  label="signals ≤ 5 s"
                  value={formatPercent(compliance(p, 'p95'))}
                  change={delta(compliance(p, 'p95'), compliance(b, 'p95'), false)}
                />
                <Stat
                  label="events"
                  value={formatCount(p.events)}
                  change={delta(p.events, b?.events ?? null, false)}
                  testId={`tile-${p.series}-events`}
                />
                <Stat
                  label="cache hits"
                  value={formatPercent(rate(p, 'cacheHits'))}
                  change={delta(rate(p, 'cacheHits'), rate(b, 'cacheHits'), false)}
                />
                <Stat
                  label="errors"
                  value={formatPercent(rate(p, 'errors'), 2)}
                  change={delta(rate(p, 'errors'), rate(b, 'errors'))}
                />
              </dl>
            </Card>
          );
        })}
      </div>
      <p className="mt-2 text-xs text-muted">
        Signals ≤ 2 s and ≤ 5 s count first-signal outcomes as the error budget does: rendered within the
        threshold is good, a timeout or an error is late. The verdict is that SLI against its targets (50 %
        and 95 %); p50/p95/p99 are the exact percentiles of all measurements.
      </p>
    </div>
  );
}
