import { Card, EmptyState } from '@/components/ui/card';
import { jobEvents } from '@/lib/queries/signals';

/** The job's TTFS measurements, newest first, as a compact timeline. */
export async function JobEvents({ jobId }: { jobId: string }) {
  const events = await jobEvents(jobId);
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
              className="grid grid-cols-[7rem_2rem_minmax(0,1fr)_4rem] items-center gap-x-2 gap-y-0.5 sm:grid-cols-[8rem_3rem_9rem_1fr_5rem]"
            >
              <time
                dateTime={e.ts.toISOString()}
                title={`${e.ts.toISOString()} UTC`}
                className="text-xs text-slate-600 dark:text-slate-300"
              >
                {e.ts.toISOString().slice(5, 19).replace('T', ' ')}
              </time>
              <span className="text-xs uppercase">{e.surface}</span>
              <span className="truncate text-xs">
                {e.eventType.replace('signal.', '')}
                {e.cacheHit ? ' · cache' : ''}
                {e.errorCode ? ` · ${e.errorCode}` : ''}
              </span>
              <span className="hidden h-2 rounded-full bg-slate-100 sm:block dark:bg-slate-800" aria-hidden>
                <span
                  className={`block h-2 rounded-full ${e.ttfsMs > 5000 ? 'bg-rose-500' : e.ttfsMs > 2000 ? 'bg-amber-500' : 'bg-emerald-500'}`}
                  style={{ width: `${Math.max(2, (e.ttfsMs / max) * 100)}%` }}
                />
              </span>
              <span className="text-right font-mono text-xs tabular-nums">
                {e.eventType === 'signal.start' ? 'start' : `${e.ttfsMs} ms`}
              </span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
