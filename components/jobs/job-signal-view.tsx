'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Timestamp, useDisplayZone } from '@/components/format/zone';
import { KindBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { SECONDARY_BUTTON_CLASS } from '@/components/ui/input';
import { formatDateTime, formatDuration, type DisplayZone } from '@/lib/format';
import type { Signal } from '@/lib/schemas/signal';
import { Elapsed, Eta } from './eta';
import { isTerminal, SOURCE_LABEL, text } from './format';
import { LiveIndicator, OfflineBanner } from './live-indicator';
import { PhaseProgress } from './phase-progress';
import { PhaseTimeline, type TimelineStep } from './phase-timeline';
import { reportUiTtfs } from './report-ttfs';
import { useSignalStream } from './use-signal-stream';

function mttr(seconds: number | null) {
  return seconds === null ? '–' : formatDuration(seconds * 1000);
}

/** Keys shown in the header; the rest stay under Diagnostics. */
const HEADER_KEYS = ['image_reference', 'error_code', 'worker_id'];

/** The previous run's outcome, in words: "succeeded, 49 findings, finished 2026-12-05 10:15 UTC". */
function previousRun(outcome: Record<string, unknown> | null, zone: DisplayZone): string | null {
  if (!outcome) return null;
  const parts = [text(outcome.status) ?? 'outcome unknown'];
  if (typeof outcome.findings_count === 'number') parts.push(`${outcome.findings_count} findings`);
  const finished = text(outcome.finished_at);
  if (finished && !Number.isNaN(Date.parse(finished)))
    parts.push(`finished ${formatDateTime(finished, zone)}`);
  return parts.join(', ');
}

function withStep(steps: TimelineStep[], signal: Signal): TimelineStep[] {
  const last = steps.at(-1);
  if (last && last.kind === signal.kind && last.phase === signal.phase) return steps;
  if (last && Date.parse(last.at) > Date.parse(signal.updatedAt)) return steps;
  return [
    ...steps,
    {
      at: signal.updatedAt,
      kind: signal.kind,
      phase: signal.phase,
      errorCode: text(signal.diagnostics.error_code),
    },
  ];
}

export function JobSignalView({
  initial,
  source,
  noMatch,
  createdAt,
  history,
}: {
  initial: Signal;
  source: string;
  noMatch: boolean;
  /** When the job's snapshot was first written (null on a cold start). */
  createdAt: string | null;
  history: TimelineStep[];
}) {
  const client = useQueryClient();
  const etag = useRef<string | null>(null);
  const key = ['signal', initial.jobId];
  const [steps, setSteps] = useState(history);
  const { data: signal, isFetching } = useQuery({
    queryKey: key,
    initialData: initial,
    staleTime: Infinity,
    queryFn: async () => {
      // Re-read with If-None-Match: a 304 keeps what is on screen.
      const response = await fetch(`/api/v1/jobs/${initial.jobId}/signal`, {
        headers: etag.current ? { 'if-none-match': etag.current } : {},
      });
      if (response.status === 304) return client.getQueryData<Signal>(key) ?? initial;
      if (!response.ok) throw new Error(`signal request failed: ${response.status}`);
      etag.current = response.headers.get('etag');
      return (await response.json()) as Signal;
    },
  });
  const { state, retry } = useSignalStream(
    `jobId=${initial.jobId}`,
    (next) => {
      client.setQueryData(key, next);
      setSteps((current) => withStep(current, next));
    },
    () => void client.invalidateQueries({ queryKey: key }),
  );

  const reported = useRef(false);
  useEffect(() => {
    if (reported.current) return;
    reported.current = true;
    reportUiTtfs(initial, source);
  }, [initial, source]);

  const timeline = withStep(steps, signal);
  const started = createdAt ?? timeline[0]?.at ?? null;
  const terminal = isTerminal(signal.kind);
  const image = text(signal.diagnostics.image_reference);
  const errorCode = text(signal.diagnostics.error_code);
  const worker = text(signal.diagnostics.worker_id);
  const zone = useDisplayZone();
  const previous = previousRun(signal.lastKnownOutcome, zone);
  const otherDiagnostics = Object.entries(signal.diagnostics).filter(([k]) => !HEADER_KEYS.includes(k));

  return (
    <div aria-busy={isFetching}>
      <OfflineBanner state={state} onRetry={retry} />
      <Card testId="signal-card" className="sm:p-5">
        <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
          <div className="flex items-center gap-3">
            <span data-testid="signal-kind">
              <KindBadge kind={signal.kind} />
            </span>
            <span className="text-sm text-muted">
              phase{' '}
              <span className="font-medium text-fg" data-testid="signal-phase">
                {signal.phase}
              </span>
            </span>
          </div>
          <LiveIndicator state={state} />
        </div>
        <div aria-live="polite" aria-atomic="true">
          <p className="text-lg font-medium break-words" data-testid="signal-summary">
            {signal.summary}
          </p>
          <dl
            className="mt-4 grid grid-cols-2 gap-x-4 gap-y-3 text-sm lg:grid-cols-3"
            data-testid="job-facts"
          >
            <Fact label="Image" testId="fact-image" mono wide>
              {image ?? '–'}
            </Fact>
            <Fact label="Error code" testId="fact-error-code" mono>
              {errorCode ?? '–'}
            </Fact>
            <Fact label="Worker" testId="fact-worker" mono>
              {worker ?? '–'}
            </Fact>
            <Fact label="Started" testId="fact-started">
              {started ? <Timestamp value={started} seconds /> : 'not recorded'}
            </Fact>
            <Fact label={terminal ? 'Duration' : 'Running for'} testId="fact-duration">
              {!started ? (
                '–'
              ) : terminal ? (
                formatDuration(Date.parse(signal.updatedAt) - Date.parse(started))
              ) : (
                <Elapsed since={started} fallback="…" />
              )}
            </Fact>
            {!terminal && signal.kind !== 'unavailable' && signal.etaSeconds !== null && (
              <Fact label="ETA" testId="fact-eta">
                <Eta etaSeconds={signal.etaSeconds} updatedAt={signal.updatedAt} />
              </Fact>
            )}
            <Fact label="Updated" testId="fact-updated">
              <Timestamp value={signal.updatedAt} seconds />
            </Fact>
            <Fact label="Previous run" testId="last-outcome" wide>
              {previous ?? 'none recorded'}
            </Fact>
            <Fact label="Source" testId="fact-source">
              <span data-source={source}>{SOURCE_LABEL[source] ?? source}</span>
            </Fact>
          </dl>
          <div className="mt-4">
            <PhaseProgress kind={signal.kind} phase={signal.phase} />
          </div>
        </div>

        {signal.kind === 'failed' && (
          <div
            data-testid="prediction"
            className="mt-5 rounded-md border border-line bg-danger-soft p-4 text-sm text-danger"
          >
            {signal.prediction ? (
              <>
                <p className="font-semibold">
                  Likely cause: <span data-testid="likely-cause">{signal.prediction.likelyCause}</span>
                </p>
                <p className="mt-1">{signal.prediction.suggestedAction}</p>
                <p className="mt-2 text-xs">
                  Usually fixed in {mttr(signal.prediction.mttrP50Seconds)} (p95{' '}
                  {mttr(signal.prediction.mttrP95Seconds)}) · confidence{' '}
                  {Math.round(signal.prediction.confidence * 100)}%
                </p>
              </>
            ) : (
              <p data-testid="no-match">
                {noMatch
                  ? 'No known failure signature matched this failure.'
                  : 'This failure has not been matched against the failure signatures.'}
              </p>
            )}
          </div>
        )}

        {signal.nextActions.length > 0 && (
          <div className="mt-5 flex flex-wrap gap-2" data-testid="next-actions">
            {signal.nextActions.map((action) => (
              <a key={`${action.label}-${action.href}`} href={action.href} className={SECONDARY_BUTTON_CLASS}>
                {action.label}
              </a>
            ))}
          </div>
        )}

        <h2 className="mt-6 mb-2 text-sm font-semibold text-fg">Phase timeline</h2>
        <PhaseTimeline steps={timeline} />

        {otherDiagnostics.length > 0 && (
          <details className="mt-5 text-sm" data-testid="diagnostics">
            <summary className="cursor-pointer text-muted">More diagnostics</summary>
            <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-3">
              {otherDiagnostics.map(([k, v]) => (
                <div key={k}>
                  <dt className="text-xs text-muted">{k.replaceAll('_', ' ')}</dt>
                  <dd className="font-mono text-xs break-all">
                    {typeof v === 'object' ? JSON.stringify(v) : String(v)}
                  </dd>
                </div>
              ))}
            </dl>
          </details>
        )}
      </Card>
    </div>
  );
}

function Fact({
  label,
  children,
  testId,
  mono = false,
  wide = false,
}: {
  label: string;
  children: React.ReactNode;
  testId: string;
  mono?: boolean;
  /** Both columns on phones (long values). */
  wide?: boolean;
}) {
  return (
    <div className={`min-w-0 ${wide ? 'col-span-2 lg:col-span-1' : ''}`}>
      <dt className="text-xs text-muted">{label}</dt>
      <dd data-testid={testId} className={mono ? 'font-mono text-xs break-all' : 'break-words'}>
        {children}
      </dd>
    </div>
  );
}
