'use client';

import { useState } from 'react';
import type { ChartPoint } from './latency-chart';

const fmt = (v: number | null) =>
  v === null ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;

/** The chart's data as a table (for screen readers and exact values), rendered when opened. */
export function SeriesTable({ points }: { points: ChartPoint[] }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="mt-2 text-xs" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary className="cursor-pointer text-muted">Data table</summary>
      {open && (
        <div className="max-h-64 overflow-auto">
          <table className="mt-2 w-full text-left" data-testid="latency-table">
            <thead>
              <tr>
                <th>Time (UTC)</th>
                <th>Series</th>
                <th className="text-right">Events</th>
                <th className="text-right">p50</th>
                <th className="text-right">p95</th>
                <th className="text-right">p99</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={`${p.bucket}-${p.series}`}>
                  <td>{p.bucket.slice(0, 16).replace('T', ' ')}</td>
                  <td>{p.series}</td>
                  <td className="text-right font-mono">{p.events}</td>
                  <td className="text-right font-mono">{fmt(p.p50)}</td>
                  <td className="text-right font-mono">{fmt(p.p95)}</td>
                  <td className="text-right font-mono">{fmt(p.p99)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
