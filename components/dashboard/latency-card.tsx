import { LatencyChart, type ChartPoint } from '@/components/charts/latency-chart';
import { SeriesTable } from '@/components/charts/series-table';
import { MainContentRendered } from '@/components/telemetry/mark';
import { Card, EmptyState } from '@/components/ui/card';
import { latencySeries, releaseChanges, signatureToggles } from '@/lib/queries/dashboard';
import { GRAIN_MS } from '@/lib/schemas/dashboard';
import { dashboardContext, toUrlParams, type Search } from './scope';

const GRAIN_WORD = { minute: 'per minute', hour: 'hourly', day: 'daily' } as const;

/**
 * The overview's main content. Rendered in the page's first flush (not behind
 * a Suspense boundary, whose reveal React holds back for a while after the
 * first paint), so the chart is in the server's HTML.
 */
export async function LatencyCard({ search }: { search: Search }) {
  const { scope, window, filters } = await dashboardContext(search);
  const [points, releases, toggles] = await Promise.all([
    latencySeries(window, scope, filters.split),
    releaseChanges(window, scope),
    signatureToggles(window, scope),
  ]);
  const bucketMs = GRAIN_MS[window.bucket];
  const partialFrom = window.to.getTime() - bucketMs;
  // Rounded: the chart and table need no more than 0.1 ms, and the page stays small.
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  const chartPoints: ChartPoint[] = points.map((p) => ({
    t: p.bucket.getTime(),
    series: p.series,
    events: p.events,
    p50: round(p.p50),
    p95: round(p.p95),
    p99: round(p.p99),
  }));
  const csv = toUrlParams(search);
  const by = filters.split === 'cache' ? 'cache hit vs cold start' : 'surface';
  const title = `Time to first signal by ${by}, ${GRAIN_WORD[window.bucket]}`;
  return (
    <Card
      testId="latency-card"
      title={title}
      actions={
        <a
          className="text-xs text-link hover:underline"
          href={`/api/v1/dashboard/series?${csv}`}
          data-testid="csv-export"
          download
        >
          Export CSV
        </a>
      }
    >
      {points.length === 0 ? (
        <EmptyState>No measurements in this range.</EmptyState>
      ) : (
        <>
          <LatencyChart
            title={title}
            points={chartPoints}
            from={window.from.getTime()}
            to={window.to.getTime()}
            bucketMs={bucketMs}
            grain={window.bucket}
            partialFrom={partialFrom}
            drill={filters.drill ? Date.parse(filters.drill) : null}
            annotations={[
              ...releases.map((r) => ({ t: r.at.getTime(), kind: 'release' as const, label: r.release })),
              ...toggles.map((t) => ({
                t: t.at.getTime(),
                kind: 'signature' as const,
                label: `signature ${t.action === 'enable' ? 'enabled' : 'disabled'}: ${t.cause ?? 'unnamed'}`,
              })),
            ]}
          />
          <p className="mt-1 text-xs text-muted">
            Solid: p95 · dashed: p50 · dotted: p99. Red columns: a shown series&apos; p95 over 5 s. The shaded
            last {window.bucket} is still filling. R: first telemetry of a release; S: a failure signature
            enabled or disabled.
          </p>
          <SeriesTable points={chartPoints} grain={window.bucket} />
        </>
      )}
      <MainContentRendered page="overview" />
    </Card>
  );
}
