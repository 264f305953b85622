import { Card, EmptyState } from '@/components/ui/card';
import { formatDateTime, formatDuration } from '@/lib/format';
import { displayZone } from '@/lib/format/server';
import { jobEvents } from '@/lib/queries/signals';

/** The job's TTFS measurements, newest first, as a compact timeline. */
export async function JobEvents({ jobId, tenantId }: { jobId: string; tenantId: string }) {
  const [events, zone] = await Promise.all([jobEvents(jobId, tenantId), displayZone()]);
  const max = Math.max(5000, ...events.map((e) => e.ttfsMs));
  return (
    <Card title="Time to first signal for this job" className="mt-6" testId="job-events">
      {events.length === 0 ? (
        <EmptyState>No TTFS measurements for this job yet.</EmptyState>
      ) : (
        <ol className="space-y-1.5 text-sm">
          {events.map((e, i) => (
            <li
              key={i}
              className="grid grid-cols-[8rem_2rem_minmax(0,1fr)_4rem] items-center gap-x-2 gap-y-0.5 sm:grid-cols-[8rem_3rem_9rem_1fr_5rem]"
            >
              <time dateTime={e.ts.toISOString()} title={e.ts.toISOString()} className="text-xs text-muted">
                {formatDateTime(e.ts, zone, { seconds: true, zoneLabel: false })}
              </time>
              <span className="text-xs uppercase">{e.surface}</span>
              <span className="truncate text-xs">
                {e.eventType.replace('signal.', '')}
                {e.cacheHit ? ' · cache' : ''}
                {e.errorCode ? ` · ${e.errorCode}` : ''}
              </span>
              <span className="hidden h-2 rounded-full bg-subtle sm:block" aria-hidden>
                <span
                  className={`block h-2 rounded-full ${e.ttfsMs > 5000 ? 'bg-danger' : e.ttfsMs > 2000 ? 'bg-warn' : 'bg-ok'}`}
                  style={{ width: `${Math.max(2, (e.ttfsMs / max) * 100)}%` }}
                />
              </span>
              <span className="text-right font-mono text-xs tabular-nums">
                {e.eventType === 'signal.start' ? 'start' : formatDuration(e.ttfsMs)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
