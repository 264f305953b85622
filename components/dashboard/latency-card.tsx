import { LatencyChart } from '@/components/charts/latency-chart';
import { SeriesTable } from '@/components/charts/series-table';
import { MainContentRendered } from '@/components/telemetry/page-rendered';
import { Card, EmptyState } from '@/components/ui/card';
import { latencySeries, releaseChanges, signatureToggles } from '@/lib/queries/dashboard';
import { dashboardContext, type Search } from './scope';

export async function LatencyCard({ search }: { search: Search }) {
  const { scope, window, filters } = await dashboardContext(search);
  const [points, releases, toggles] = await Promise.all([
    latencySeries(window, scope, filters.split),
    releaseChanges(window, scope),
    signatureToggles(window, scope),
  ]);
  const partialFrom = new Date(
    window.to.getTime() - (window.bucket === 'day' ? 86400_000 : 3600_000),
  ).toISOString();
  // Rounded: the chart and table need no more than 0.1 ms, and the page stays small.
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  const chartPoints = points.map((p) => ({
    bucket: p.bucket.toISOString(),
    series: p.series,
    events: p.events,
    p50: round(p.p50),
    p95: round(p.p95),
    p99: round(p.p99),
  }));
  const csv = new URLSearchParams(
    Object.entries(search).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  return (
    <Card
      testId="latency-card"
      title={`TTFS p50 / p95 / p99 by ${filters.split === 'cache' ? 'cache hit vs cold start' : 'surface'} (${window.bucket === 'day' ? 'daily' : 'hourly'})`}
      actions={
        <a
          className="text-xs text-blue-700 hover:underline dark:text-blue-300"
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
            points={chartPoints}
            bucket={window.bucket}
            partialFrom={partialFrom}
            releases={releases.map((r) => ({ at: r.at.toISOString(), release: r.release }))}
            toggles={toggles.map((t) => ({
              at: t.at.toISOString(),
              label: `${t.action === 'enable' ? 'enabled' : 'disabled'}: ${t.cause ?? 'signature'}`,
            }))}
          />
          <p className="mt-2 text-xs text-muted">
            Dashed: p50 · solid: p95 · dotted: p99. Grey markers: releases; purple: failure-signature changes;
            red/green: a series&apos; p95 crossing 5 s. The shaded bucket is still filling. Click a point for
            its slowest events.
          </p>
          <SeriesTable points={chartPoints} />
          <MainContentRendered page="overview" />
        </>
      )}
    </Card>
  );
}
