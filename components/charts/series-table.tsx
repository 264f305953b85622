'use client';

import { useState } from 'react';
import { useDisplayZone } from '@/components/format/zone';
import { formatCount, formatDateTime, formatDay, formatDuration } from '@/lib/format';
import type { ChartPoint } from './latency-chart';

/** The chart's data as a table (for screen readers and exact values), rendered when opened. */
export function SeriesTable({ points, grain }: { points: ChartPoint[]; grain: 'minute' | 'hour' | 'day' }) {
  const [open, setOpen] = useState(false);
  const zone = useDisplayZone();
  return (
    <details className="mt-2 text-xs" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary className="cursor-pointer text-muted" data-testid="latency-table-toggle">
        Data table
      </summary>
      {open && (
        <div className="max-h-64 overflow-auto">
          <table className="mt-2 w-full text-left" data-testid="latency-table">
            <caption className="sr-only">Time to first signal per {grain} and series</caption>
            <thead className="text-muted">
              <tr>
                <th scope="col">{grain === 'day' ? 'Day' : 'Time'}</th>
                <th scope="col">Series</th>
                <th scope="col" className="text-right">
                  Events
                </th>
                <th scope="col" className="text-right">
                  p50
                </th>
                <th scope="col" className="text-right">
                  p95
                </th>
                <th scope="col" className="text-right">
                  p99
                </th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={`${p.t}-${p.series}`}>
                  <td>{grain === 'day' ? formatDay(p.t, zone) : formatDateTime(p.t, zone)}</td>
                  <td>{p.series}</td>
                  <td className="text-right font-mono">{formatCount(p.events)}</td>
                  <td className="text-right font-mono">{formatDuration(p.p50)}</td>
                  <td className="text-right font-mono">{formatDuration(p.p95)}</td>
                  <td className="text-right font-mono">{formatDuration(p.p99)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
