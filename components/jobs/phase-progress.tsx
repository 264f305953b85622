import type { Signal } from '@/lib/schemas/signal';

const PHASES = ['resolve', 'fetch', 'restore', 'analyze', 'policy', 'report'] as const;

export function PhaseProgress({ kind, phase }: Pick<Signal, 'kind' | 'phase'>) {
  const current = PHASES.indexOf(phase as (typeof PHASES)[number]);
  const done = kind === 'succeeded';
  return (
    <ol aria-label="Phases" className="grid grid-cols-6 gap-1" data-testid="phase-progress">
      {PHASES.map((p, i) => {
        const state =
          done || i < current
            ? 'done'
            : i === current
              ? kind === 'failed'
                ? 'failed'
                : kind === 'blocked'
                  ? 'blocked'
                  : 'current'
              : 'todo';
        const bar = {
          done: 'bg-ok',
          current: 'bg-info motion-safe:animate-pulse',
          failed: 'bg-danger',
          blocked: 'bg-warn',
          todo: 'bg-line',
        }[state];
        return (
          <li
            key={p}
            data-state={state}
            aria-current={state === 'current' ? 'step' : undefined}
            className="text-center text-[11px] text-muted"
          >
            <div className={`mb-1 h-1.5 rounded-full ${bar}`} />
            {p}
          </li>
        );
      })}
    </ol>
  );
}
