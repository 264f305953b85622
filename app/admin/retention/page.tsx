import { Suspense } from 'react';
import { Timestamp } from '@/components/format/zone';
import { RebuildHourButton, RunRetentionButton } from '@/components/ops/retention-actions';
import { MainContentRendered } from '@/components/telemetry/mark';
import { Card, CardSkeleton, EmptyState, PageHeader } from '@/components/ui/card';
import { currentViewer } from '@/lib/auth';
import { formatCount, formatDateTime, formatDuration } from '@/lib/format';
import { displayZone } from '@/lib/format/server';
import { policyFromEnv } from '@/lib/ops/retention';
import { nextRetentionRun, retentionIntervalMs } from '@/lib/ops/scheduler';
import { recentRetentionRuns, rollupDrift, tableSizes, type RetentionRun } from '@/lib/queries/retention';

export const metadata = { title: 'Retention' };

function bytes(n: number) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

const count = formatCount;

function result(r: RetentionRun) {
  if (r.error) return `failed: ${r.error}`;
  if (!r.finishedAt) return 'running';
  return `done in ${formatDuration(r.finishedAt.getTime() - r.startedAt.getTime())}`;
}

async function Schedule() {
  const [last] = await recentRetentionRuns(1);
  const next = nextRetentionRun();
  const interval = retentionIntervalMs();
  return (
    <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-3" data-testid="retention-schedule">
      <div>
        <dt className="text-xs text-muted">Next scheduled run</dt>
        <dd data-testid="retention-next">
          {next ? (
            <Timestamp value={next} />
          ) : interval > 0 ? (
            'not scheduled in this instance'
          ) : (
            'off (TTFS_RETENTION_INTERVAL_MS=0)'
          )}
        </dd>
      </div>
      <div>
        <dt className="text-xs text-muted">Every</dt>
        <dd>{interval > 0 ? `${Math.round(interval / 60_000)} min` : '–'}</dd>
      </div>
      <div>
        <dt className="text-xs text-muted">Last run</dt>
        <dd>
          {last ? (
            <>
              <Timestamp value={last.startedAt} /> ({last.trigger}, {result(last)})
            </>
          ) : (
            'none yet'
          )}
        </dd>
      </div>
    </dl>
  );
}

async function Sizes() {
  const sizes = await tableSizes();
  return (
    <table className="w-full text-left text-sm" data-testid="table-sizes">
      <caption className="sr-only">Size on disk and rows of each table retention looks after</caption>
      <thead className="text-xs text-muted">
        <tr>
          <th className="py-1 pr-3 font-medium">Table</th>
          <th className="py-1 pr-3 text-right font-medium">Size</th>
          <th className="py-1 text-right font-medium">Rows</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-line">
        {sizes.map((s) => (
          <tr key={s.table} data-testid="table-size" data-table={s.table}>
            <td className="py-1 pr-3 font-mono text-xs break-all">{s.table}</td>
            <td className="py-1 pr-3 text-right font-mono text-xs whitespace-nowrap">{bytes(s.bytes)}</td>
            <td className="py-1 text-right font-mono text-xs whitespace-nowrap">
              {s.estimated ? '≈ ' : ''}
              {count(s.rows)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

async function Drift() {
  const [{ checked, drifted }, zone] = await Promise.all([rollupDrift(), displayZone()]);
  if (drifted.length === 0)
    return (
      <p className="text-sm" data-testid="drift-none">
        The rollups of the last {checked} hours count exactly the raw events.
      </p>
    );
  return (
    <div data-testid="drift">
      <p className="mb-2 text-sm text-warn">
        {drifted.length} of the last {checked} hours count other events in the rollups than in the raw table
        (raw rows were deleted or changed outside retention). Dashboards read the rollups; rebuild an hour to
        make them agree.
      </p>
      <ul className="divide-y divide-line text-sm">
        {drifted.map((d) => (
          <li
            key={d.hour.toISOString()}
            data-testid="drift-hour"
            data-hour={d.hour.toISOString()}
            className="flex flex-wrap items-center justify-between gap-2 py-2"
          >
            <span>
              <Timestamp className="font-mono text-xs" value={d.hour} /> · raw {count(d.raw)} · rollups{' '}
              {count(d.rolledUp)}
            </span>
            <RebuildHourButton hour={d.hour.toISOString()} label={formatDateTime(d.hour, zone)} />
          </li>
        ))}
      </ul>
    </div>
  );
}

async function Runs() {
  const runs = await recentRetentionRuns(20);
  if (runs.length === 0)
    return <EmptyState>No retention run yet: the first one starts a minute after the console.</EmptyState>;
  return (
    <ul className="divide-y divide-line text-sm" data-testid="retention-runs">
      {runs.map((r) => (
        <li key={r.id} className="py-2" data-testid="retention-run">
          <p>
            <Timestamp value={r.startedAt} seconds className="font-mono text-xs" /> · {r.trigger} ·{' '}
            <span className={r.error ? 'text-danger' : ''}>{result(r)}</span>
          </p>
          <p className="text-xs text-muted">
            removed {count(r.eventsDeleted)} events, {count(r.rollupCellsDeleted)} rollup hours,{' '}
            {count(r.snapshotsDeleted)} snapshots, {count(r.historyDeleted)} history entries; disabled{' '}
            {count(r.signaturesDisabled)} signatures
          </p>
        </li>
      ))}
    </ul>
  );
}

export default async function RetentionPage() {
  await currentViewer({ role: 'admin' });
  const policy = policyFromEnv();
  return (
    <>
      <PageHeader
        title="Retention"
        description={`Telemetry and phase history kept ${policy.eventsDays} days; terminal snapshots ${policy.snapshotHours} h after their last update; signatures with confidence < ${policy.signatureMinConfidence} untouched for ${policy.signatureDays} days are disabled.`}
      />
      <div className="space-y-4">
        <Card title="Schedule">
          <div className="space-y-4">
            <Suspense fallback={<CardSkeleton height="h-10" />}>
              <Schedule />
            </Suspense>
            <RunRetentionButton />
          </div>
        </Card>
        <Card title="Rollups against raw events">
          <Suspense fallback={<CardSkeleton height="h-10" />}>
            <Drift />
          </Suspense>
        </Card>
        <Card title="Tables">
          <Suspense fallback={<CardSkeleton height="h-40" />}>
            <Sizes />
          </Suspense>
        </Card>
        <Card title="Recent runs">
          <Suspense fallback={<CardSkeleton height="h-40" />}>
            <Runs />
            <MainContentRendered page="retention" />
          </Suspense>
        </Card>
      </div>
    </>
  );
}
