import { Timestamp } from '@/components/format/zone';
import { KindBadge } from '@/components/ui/badge';
import { formatDuration } from '@/lib/format';
import { isTerminal } from './format';

export interface TimelineStep {
  at: string;
  kind: string;
  phase: string;
  errorCode: string | null;
}

/** Each kind or phase the job went through, with when it began and how long it lasted. */
export function PhaseTimeline({ steps }: { steps: TimelineStep[] }) {
  if (steps.length === 0)
    return (
      <p className="text-sm text-muted" data-testid="phase-timeline-empty">
        No phase changes recorded for this job.
      </p>
    );
  return (
    <ol className="space-y-2 text-sm" data-testid="phase-timeline" aria-label="Phase timeline">
      {steps.map((step, i) => {
        const next = steps[i + 1];
        const lasted = next ? formatDuration(Date.parse(next.at) - Date.parse(step.at)) : null;
        return (
          <li
            key={`${step.at}-${i}`}
            data-testid="phase-step"
            data-phase={step.phase}
            data-kind={step.kind}
            className="flex flex-wrap items-center gap-x-3 gap-y-1 border-l-2 border-line pl-3"
          >
            <Timestamp value={step.at} seconds className="font-mono text-xs text-muted tabular-nums" />
            <KindBadge kind={step.kind} />
            <span className="font-medium">{step.phase === 'unknown' ? '–' : step.phase}</span>
            {step.errorCode && <span className="font-mono text-xs">{step.errorCode}</span>}
            <span className="text-xs text-muted">
              {lasted ? `for ${lasted}` : isTerminal(step.kind) ? 'final' : 'now'}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
