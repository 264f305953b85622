import { Card, EmptyState } from '@/components/ui/card';
import { budgetSpendBySegment, cacheStateTotals } from '@/lib/queries/dashboard';
import { previousWindow } from '@/lib/schemas/dashboard';
import { attribute } from '@/lib/slo/attribution';
import { dashboardContext, type Search } from './scope';
import { formatDuration, formatPercent } from '@/lib/format';

const VERDICT: Record<string, string> = {
  mix_shift: 'Mix shift: more cold starts, each about as fast as before.',
  slowdown: 'Real slowdown: signals got slower within cache hits or cold starts.',
  both: 'Both: more cold starts and slower signals within a cache state.',
  stable: 'No notable change against the previous period.',
  insufficient_data: 'Insufficient data to compare the two periods.',
};

export async function AttributionCard({ search }: { search: Search }) {
  const { scope, window, tenantNames, now: at } = await dashboardContext(search);
  const [segments, now, before] = await Promise.all([
    budgetSpendBySegment(new Date(at.getTime() - 30 * 86400_000), at, scope),
    cacheStateTotals(window, scope),
    cacheStateTotals(previousWindow(window), scope),
  ]);
  const stats = (s: typeof now) => ({
    hitEvents: s.hit?.events ?? 0,
    coldEvents: s.cold?.events ?? 0,
    hitP95: s.hit?.p95 ?? null,
    coldP95: s.cold?.p95 ?? null,
    allP95: s.all?.p95 ?? null,
  });
  const a = attribute(stats(now), stats(before));
  const totalBad = segments.reduce((sum, s) => sum + s.bad5000, 0);
  return (
    <Card title="Attribution" testId="attribution-card">
      <div className="grid gap-5 lg:grid-cols-2">
        <section>
          <h3 className="mb-2 text-xs font-semibold text-muted uppercase">
            Who spent the p95 budget (30 days)
          </h3>
          {totalBad === 0 ? (
            <EmptyState>No signal over 5 s in 30 days.</EmptyState>
          ) : (
            <ol className="space-y-1 text-sm" data-testid="budget-segments">
              {segments
                .filter((s) => s.bad5000 > 0)
                .slice(0, 8)
                .map((s) => (
                  <li
                    key={`${s.tenantId}-${s.surface}-${s.cacheHit}`}
                    className="grid grid-cols-[1fr_6rem_3.5rem] items-center gap-2"
                  >
                    <span className="truncate">
                      {tenantNames[s.tenantId] ?? s.tenantId.slice(0, 8)} · {s.surface} ·{' '}
                      {s.cacheHit ? 'cache hit' : 'cold start'}
                    </span>
                    <span className="h-2 rounded bg-subtle" aria-hidden>
                      <span
                        className="block h-2 rounded bg-[#D55E00]"
                        style={{ width: `${(s.bad5000 / totalBad) * 100}%` }}
                      />
                    </span>
                    <span className="text-right font-mono text-xs">
                      {formatPercent(s.bad5000 / totalBad, 0)}
                    </span>
                  </li>
                ))}
            </ol>
          )}
        </section>
        <section data-testid="mix-shift" data-verdict={a.verdict}>
          <h3 className="mb-2 text-xs font-semibold text-muted uppercase">p95 against the previous period</h3>
          <p className="text-sm font-medium">{VERDICT[a.verdict]}</p>
          <dl className="mt-2 grid grid-cols-2 gap-2 text-sm">
            <dt className="text-muted">Cold-start share</dt>
            <dd className="font-mono">
              {formatPercent(a.coldShareBefore)} → {formatPercent(a.coldShareNow)}
            </dd>
            <dt className="text-muted">p95, cache hits</dt>
            <dd className="font-mono">
              {formatDuration(before.hit?.p95)} → {formatDuration(now.hit?.p95)}
            </dd>
            <dt className="text-muted">p95, cold starts</dt>
            <dd className="font-mono">
              {formatDuration(before.cold?.p95)} → {formatDuration(now.cold?.p95)}
            </dd>
            <dt className="text-muted">p95, all</dt>
            <dd className="font-mono">
              {formatDuration(before.all?.p95)} → {formatDuration(now.all?.p95)}
            </dd>
          </dl>
        </section>
      </div>
    </Card>
  );
}
