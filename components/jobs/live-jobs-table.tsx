'use client';

import Link from 'next/link';
import { useState } from 'react';
import { KindBadge } from '@/components/ui/badge';
import type { Signal } from '@/lib/schemas/signal';
import { LiveIndicator } from './live-indicator';
import { useSignalStream } from './use-signal-stream';
import { Timestamp } from '@/components/format/zone';

interface Props {
  initial: Signal[];
  tenantNames: Record<string, string>;
  filters: { kind?: string; phase?: string; q?: string };
  streamQuery: string;
}

function matches(signal: Signal, filters: Props['filters']) {
  if (filters.kind && signal.kind !== filters.kind) return false;
  if (filters.phase && signal.phase !== filters.phase) return false;
  if (filters.q && !signal.jobId.startsWith(filters.q) && !(signal.runId ?? '').startsWith(filters.q))
    return false;
  return true;
}

/** Rows change in place and new jobs appear on top, from the tenant-wide stream. */
export function LiveJobsTable({ initial, tenantNames, filters, streamQuery }: Props) {
  const [rows, setRows] = useState(initial);
  const [flash, setFlash] = useState<string | null>(null);
  const state = useSignalStream(
    streamQuery,
    (signal) => {
      setRows((current) => {
        const index = current.findIndex((r) => r.jobId === signal.jobId);
        if (!matches(signal, filters))
          return index >= 0 ? current.filter((r) => r.jobId !== signal.jobId) : current;
        if (index >= 0) return current.map((r) => (r.jobId === signal.jobId ? signal : r));
        return [signal, ...current].slice(0, 200);
      });
      setFlash(signal.jobId);
    },
    () => window.location.reload(),
  );

  return (
    <div>
      <div className="mb-2 flex justify-end">
        <LiveIndicator state={state} />
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="jobs-table">
          <caption className="sr-only">Recent jobs and their current first signal</caption>
          <thead className="text-xs text-muted uppercase">
            <tr>
              <th className="py-2 pr-3">Job</th>
              <th className="pr-3">Tenant</th>
              <th className="pr-3">Kind</th>
              <th className="pr-3">Phase</th>
              <th className="pr-3">Summary</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 dark:divide-slate-800" aria-live="polite">
            {rows.map((job) => (
              <tr
                key={job.jobId}
                data-testid="job-row"
                data-job-id={job.jobId}
                className={flash === job.jobId ? 'bg-blue-50/60 transition-colors dark:bg-blue-950/40' : ''}
              >
                <td className="py-2 pr-3 font-mono text-xs">
                  <Link
                    className="text-blue-700 hover:underline dark:text-blue-300"
                    href={`/jobs/${job.jobId}`}
                  >
                    {job.jobId.slice(0, 8)}
                  </Link>
                </td>
                <td className="pr-3 whitespace-nowrap">
                  {tenantNames[job.tenantId] ?? job.tenantId.slice(0, 8)}
                </td>
                <td className="pr-3">
                  <KindBadge kind={job.kind} />
                </td>
                <td className="pr-3">{job.phase}</td>
                <td className="pr-3" data-testid="job-summary">
                  {job.summary}
                </td>
                <td className="whitespace-nowrap text-muted">
                  <Timestamp value={job.updatedAt} seconds />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 0 && (
          <p className="py-8 text-center text-sm text-muted">No jobs match these filters.</p>
        )}
      </div>
    </div>
  );
}
