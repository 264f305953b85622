'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { KindBadge } from '@/components/ui/badge';
import type { Signal } from '@/lib/schemas/signal';
import { Eta } from './eta';
import { LiveIndicator, OfflineBanner } from './live-indicator';
import { PhaseProgress } from './phase-progress';
import { reportUiTtfs } from './report-ttfs';
import { useSignalStream } from './use-signal-stream';
import { Timestamp } from '@/components/format/zone';

function duration(seconds: number | null) {
  if (seconds === null) return '–';
  return seconds >= 3600
    ? `${(seconds / 3600).toFixed(1)} h`
    : seconds >= 60
      ? `${Math.round(seconds / 60)} min`
      : `${seconds} s`;
}

export function JobSignalView({
  initial,
  source,
  noMatch,
}: {
  initial: Signal;
  source: string;
  noMatch: boolean;
}) {
  const client = useQueryClient();
  const etag = useRef<string | null>(null);
  const key = ['signal', initial.jobId];
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
  const state = useSignalStream(
    `jobId=${initial.jobId}`,
    (next) => client.setQueryData(key, next),
    () => void client.invalidateQueries({ queryKey: key }),
  );

  const reported = useRef(false);
  useEffect(() => {
    if (reported.current) return;
    reported.current = true;
    reportUiTtfs(initial, source);
  }, [initial, source]);

  return (
    <div aria-busy={isFetching}>
      <OfflineBanner state={state} />
      <section
        data-testid="signal-card"
        className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      >
        <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
          <div className="flex items-center gap-3">
            <KindBadge kind={signal.kind} />
            <span className="text-sm text-muted">
              phase{' '}
              <span className="font-medium text-slate-700 dark:text-slate-200" data-testid="signal-phase">
                {signal.phase}
              </span>
            </span>
          </div>
          <LiveIndicator state={state} />
        </div>
        <div aria-live="polite" aria-atomic="true">
          <p className="text-lg font-medium" data-testid="signal-summary">
            {signal.summary}
          </p>
          <div className="mt-4">
            <PhaseProgress kind={signal.kind} phase={signal.phase} />
          </div>
          <dl className="mt-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-muted">ETA</dt>
              <dd>
                <Eta etaSeconds={signal.etaSeconds} updatedAt={signal.updatedAt} />
              </dd>
            </div>
            <div>
              <dt className="text-muted">Updated</dt>
              <dd>
                <Timestamp value={signal.updatedAt} seconds />
              </dd>
            </div>
            <div>
              <dt className="text-muted">Last outcome</dt>
              <dd data-testid="last-outcome">
                {signal.lastKnownOutcome
                  ? `${String(signal.lastKnownOutcome.status ?? 'unknown')}${signal.lastKnownOutcome.findings_count !== undefined ? `, ${String(signal.lastKnownOutcome.findings_count)} findings` : ''}`
                  : '–'}
              </dd>
            </div>
            <div>
              <dt className="text-muted">Source</dt>
              <dd className="font-mono text-xs">{source}</dd>
            </div>
          </dl>
        </div>

        {signal.kind === 'failed' && (
          <div
            data-testid="prediction"
            className="mt-5 rounded-md border border-rose-200 bg-rose-50 p-4 text-sm dark:border-rose-900 dark:bg-rose-950/50"
          >
            {signal.prediction ? (
              <>
                <p className="font-semibold text-rose-900 dark:text-rose-100">
                  Likely cause: <span data-testid="likely-cause">{signal.prediction.likelyCause}</span>
                </p>
                <p className="mt-1 text-rose-900/80 dark:text-rose-100/80">
                  {signal.prediction.suggestedAction}
                </p>
                <p className="mt-2 text-xs text-rose-900/70 dark:text-rose-100/70">
                  Usually fixed in {duration(signal.prediction.mttrP50Seconds)} (p95{' '}
                  {duration(signal.prediction.mttrP95Seconds)}) · confidence{' '}
                  {Math.round(signal.prediction.confidence * 100)}%
                </p>
              </>
            ) : (
              <p data-testid="no-match" className="text-rose-900 dark:text-rose-100">
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
              <a
                key={`${action.label}-${action.href}`}
                href={action.href}
                className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-800"
              >
                {action.label}
              </a>
            ))}
          </div>
        )}

        <details className="mt-5 text-sm" data-testid="diagnostics">
          <summary className="cursor-pointer text-muted">Diagnostics</summary>
          <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-3">
            {Object.entries(signal.diagnostics).map(([k, v]) => (
              <div key={k}>
                <dt className="text-xs text-muted">{k.replaceAll('_', ' ')}</dt>
                <dd className="font-mono text-xs break-all">
                  {typeof v === 'object' ? JSON.stringify(v) : String(v)}
                </dd>
              </div>
            ))}
          </dl>
        </details>
      </section>
    </div>
  );
}
