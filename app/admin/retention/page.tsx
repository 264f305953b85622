import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { policyFromEnv } from '@/lib/ops/retention';
import { recentRetentionRuns } from '@/lib/queries/retention';
import { MainContentRendered } from '@/components/telemetry/mark';
import { Timestamp } from '@/components/format/zone';
import { formatDuration } from '@/lib/format';

export const metadata = { title: 'Retention' };

export default async function RetentionPage() {
  await currentViewer({ role: 'admin' });
  const runs = await recentRetentionRuns();
  const policy = policyFromEnv();
  return (
    <>
      <PageHeader
        title="Retention"
        description={`Telemetry kept ${policy.eventsDays} days; terminal snapshots ${policy.snapshotHours} h after their last update; signatures with confidence < ${policy.signatureMinConfidence} untouched for ${policy.signatureDays} days are disabled. Runs hourly in one instance; npm run retention runs it now.`}
      />
      <Card title="Last runs">
        {runs.length === 0 ? (
          <EmptyState>No retention run yet: the first one starts a minute after the console.</EmptyState>
        ) : (
          <table className="w-full text-left text-sm" data-testid="retention-runs">
            <thead className="text-xs text-muted uppercase">
              <tr>
                <th className="py-1">Started (UTC)</th>
                <th>Trigger</th>
                <th className="text-right">Events</th>
                <th className="text-right">Rollup hours</th>
                <th className="text-right">Snapshots</th>
                <th className="text-right">Signatures disabled</th>
                <th>Result</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {runs.map((r) => (
                <tr key={r.id}>
                  <td className="py-1">
                    <time dateTime={r.startedAt.toISOString()}>
                      <Timestamp value={r.startedAt.toISOString()} seconds />
                    </time>
                  </td>
                  <td>{r.trigger}</td>
                  <td className="text-right font-mono">{r.eventsDeleted}</td>
                  <td className="text-right font-mono">{r.rollupCellsDeleted}</td>
                  <td className="text-right font-mono">{r.snapshotsDeleted}</td>
                  <td className="text-right font-mono">{r.signaturesDisabled}</td>
                  <td className={r.error ? 'text-rose-700 dark:text-rose-400' : ''}>
                    {r.error ??
                      (r.finishedAt
                        ? `done in ${formatDuration(r.finishedAt.getTime() - r.startedAt.getTime())}`
                        : 'running')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <MainContentRendered page="retention" />
    </>
  );
}
