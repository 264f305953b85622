import { HistogramChart } from '@/components/charts/histogram-chart';
import { Card, EmptyState } from '@/components/ui/card';
import { latencyHistogram } from '@/lib/queries/dashboard';
import { dashboardContext, type Search } from './scope';

const label = (ms: number) => (ms === Infinity ? '∞' : ms >= 1000 ? `${ms / 1000}s` : `${ms}`);

export async function DistributionCard({ search }: { search: Search }) {
  const { scope, window } = await dashboardContext(search);
  const bins = (await latencyHistogram(window, scope)).filter(
    (b, i, all) => b.n > 0 || all.slice(i).some((x) => x.n > 0),
  );
  const total = bins.reduce((a, b) => a + b.n, 0);
  return (
    <Card title="Latency distribution" testId="distribution-card">
      {total === 0 ? (
        <EmptyState>No measurements in this range.</EmptyState>
      ) : (
        <HistogramChart
          bins={bins.map((b) => ({ label: `${label(b.fromMs)}–${label(b.toMs)}`, n: b.n, toMs: b.toMs }))}
        />
      )}
    </Card>
  );
}
