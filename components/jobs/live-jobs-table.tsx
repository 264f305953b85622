'use client';

import Link from 'next/link';
import { useRef, useState } from 'react';
import { Timestamp } from '@/components/format/zone';
import { KindBadge } from '@/components/ui/badge';
import { Card, EmptyState } from '@/components/ui/card';
import { formatDuration } from '@/lib/format';
import { SIGNAL_KINDS, type Signal } from '@/lib/schemas/signal';
import type { JobListItem } from '@/lib/signals/map';
import { isTerminal, text } from './format';
import { LiveIndicator, OfflineBanner } from './live-indicator';
import { useSignalStream } from './use-signal-stream';

interface Filters {
  kind?: string;
  phase?: string;
  q?: string;
}

interface Props {
  initial: JobListItem[];
  initialCounts: Record<string, number>;
  /** Tenant names by id; the tenant column shows only when there are several. */
  tenantNames: Record<string, string>;
  filters: Filters;
  /** The search parameters of the page, for the count links. */
  search: Record<string, string>;
  /** The stream's and the counts' tenant query ("tenant=acme" or ""). */
  streamQuery: string;
}

/** The same test the server's search makes (lib/queries/jobs.ts), for jobs arriving live. */
function matchesFilters(signal: Signal, filters: Filters) {
  if (filters.kind && signal.kind !== filters.kind) return false;
  if (filters.phase && signal.phase !== filters.phase) return false;
  const q = filters.q?.trim();
  if (!q) return true;
  const lower = q.toLowerCase();
  if (
    /^[0-9a-f-]{8,36}$/.test(lower) &&
    (signal.jobId.startsWith(lower) || (signal.runId ?? '').startsWith(lower))
  )
    return true;
  const image = text(signal.diagnostics.image_reference);
  if (image?.startsWith(q)) return true;
  return text(signal.diagnostics.error_code)?.toUpperCase() === q.toUpperCase();
}

function countHref(search: Record<string, string>, kind: string | undefined) {
  const params = new URLSearchParams(search);
  if (kind) params.set('kind', kind);
  else params.delete('kind');
  return `/jobs${params.size ? `?${params}` : ''}`;
}

function duration(job: JobListItem) {
  if (!job.createdAt) return '–';
  if (!isTerminal(job.kind)) return 'running';
  return formatDuration(Date.parse(job.updatedAt) - Date.parse(job.createdAt));
}

/**
 * The jobs list: rows change in place and new jobs appear on top, from the
 * tenant-wide stream; the counts per kind follow (re-read a moment after each
 * change). A table on wide screens, cards on phones.
 */
export function LiveJobsTable({ initial, initialCounts, tenantNames, filters, search, streamQuery }: Props) {
  const [rows, setRows] = useState(initial);
  const [counts, setCounts] = useState(initialCounts);
  const [flash, setFlash] = useState<string | null>(null);
  const countsTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const manyTenants = Object.keys(tenantNames).length > 1;

  function refreshCounts() {
    if (countsTimer.current) return;
    countsTimer.current = setTimeout(async () => {
      countsTimer.current = null;
      const response = await fetch(`/api/v1/jobs?counts=only${streamQuery ? `&${streamQuery}` : ''}`).catch(
        () => null,
      );
      if (response?.ok) setCounts(((await response.json()) as { counts: Record<string, number> }).counts);
    }, 400);
  }

  const { state, retry } = useSignalStream(
    streamQuery,
    (signal) => {
      setRows((current) => {
        const index = current.findIndex((r) => r.jobId === signal.jobId);
        if (!matchesFilters(signal, filters))
          return index >= 0 ? current.filter((r) => r.jobId !== signal.jobId) : current;
        if (index >= 0) return current.map((r) => (r.jobId === signal.jobId ? { ...r, ...signal } : r));
        return [{ ...signal, createdAt: signal.updatedAt, surfaces: [] }, ...current].slice(0, 200);
      });
      setFlash(signal.jobId);
      refreshCounts();
    },
    () => window.location.reload(),
  );
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const pill = (active: boolean) =>
    `inline-flex min-h-9 items-center gap-1 rounded-full border px-3 py-1 text-xs ${active ? 'border-inverse bg-inverse text-inverse-fg' : 'border-line-strong text-fg'}`;

  return (
    <div>
      <OfflineBanner state={state} onRetry={retry} />
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <nav aria-label="Counts per kind" className="flex flex-wrap gap-2" data-testid="kind-counts">
          <Link
            href={countHref(search, undefined)}
            aria-current={!filters.kind ? 'true' : undefined}
            className={pill(!filters.kind)}
            data-testid="count-all"
          >
            all {total}
          </Link>
          {SIGNAL_KINDS.map((kind) => (
            <Link
              key={kind}
              href={countHref(search, kind)}
              data-testid={`count-${kind}`}
              aria-current={filters.kind === kind ? 'true' : undefined}
              className={pill(filters.kind === kind)}
            >
              {kind} <span data-testid={`count-${kind}-n`}>{counts[kind] ?? 0}</span>
            </Link>
          ))}
        </nav>
        <LiveIndicator state={state} />
      </div>
      <Card>
        <table className="hidden w-full text-left text-sm md:table" data-testid="jobs-table">
          <caption className="sr-only">Recent jobs and their current first signal</caption>
          <thead className="text-xs text-muted uppercase">
            <tr>
              <th className="py-2 pr-3">Job</th>
              {manyTenants && <th className="pr-3">Tenant</th>}
              <th className="pr-3">Status</th>
              <th className="pr-3">Image</th>
              <th className="pr-3">Error</th>
              <th className="pr-3">Started</th>
              <th className="pr-3">Duration</th>
              <th>Seen on</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line" aria-live="polite">
            {rows.map((job) => (
              <tr
                key={job.jobId}
                data-testid="job-row"
                data-job-id={job.jobId}
                className={`align-top ${flash === job.jobId ? 'bg-info-soft transition-colors' : ''}`}
              >
                <td className="max-w-72 py-2 pr-3">
                  <Link className="font-mono text-xs text-link hover:underline" href={`/jobs/${job.jobId}`}>
                    {job.jobId.slice(0, 8)}
                  </Link>
                  <div className="text-xs text-fg" data-testid="job-summary">
                    {job.summary}
                  </div>
                </td>
                {manyTenants && (
                  <td className="py-2 pr-3 whitespace-nowrap">
                    {tenantNames[job.tenantId] ?? job.tenantId.slice(0, 8)}
                  </td>
                )}
                <td className="py-2 pr-3">
                  <KindBadge kind={job.kind} />
                  <div className="mt-0.5 text-xs text-muted">{job.phase === 'unknown' ? '' : job.phase}</div>
                </td>
                <td className="max-w-56 py-2 pr-3 font-mono text-xs break-all" data-testid="job-image">
                  {text(job.diagnostics.image_reference) ?? '–'}
                </td>
                <td className="py-2 pr-3 font-mono text-xs" data-testid="job-error">
                  {text(job.diagnostics.error_code) ?? ''}
                </td>
                <td className="py-2 pr-3 text-xs whitespace-nowrap">
                  {job.createdAt ? <Timestamp value={job.createdAt} /> : '–'}
                </td>
                <td className="py-2 pr-3 text-xs whitespace-nowrap" data-testid="job-duration">
                  {duration(job)}
                </td>
                <td className="py-2 text-xs whitespace-nowrap uppercase">
                  {job.surfaces.join(' · ') || '–'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <ul className="divide-y divide-line md:hidden" data-testid="jobs-cards">
          {rows.map((job) => (
            <li key={job.jobId} data-testid="job-card" data-job-id={job.jobId} className="py-3">
              <div className="flex items-center justify-between gap-2">
                <Link
                  className="inline-flex min-h-9 items-center font-mono text-sm text-link hover:underline"
                  href={`/jobs/${job.jobId}`}
                >
                  {job.jobId.slice(0, 8)}
                </Link>
                <span className="flex items-center gap-2 text-xs">
                  {job.phase !== 'unknown' && job.phase}
                  <KindBadge kind={job.kind} />
                </span>
              </div>
              <p className="text-sm break-words">{job.summary}</p>
              <p className="mt-1 font-mono text-xs break-all text-fg">
                {text(job.diagnostics.image_reference) ?? ''}
                {text(job.diagnostics.error_code) ? ` · ${text(job.diagnostics.error_code)}` : ''}
              </p>
              <p className="mt-1 text-xs text-muted">
                {manyTenants && `${tenantNames[job.tenantId] ?? job.tenantId.slice(0, 8)} · `}
                {job.createdAt && (
                  <>
                    started <Timestamp value={job.createdAt} />
                  </>
                )}{' '}
                · {duration(job)}
              </p>
            </li>
          ))}
        </ul>
        {rows.length === 0 && <EmptyState>No jobs match these filters.</EmptyState>}
      </Card>
    </div>
  );
}
