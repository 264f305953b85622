'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { colorFor } from './palette';

export interface ChartPoint {
  bucket: string;
  series: string;
  events: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

const fmtMs = (v: number) =>
  v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s` : `${Math.round(v)} ms`;

/** Where a series' p95 crosses the 5 s objective: a breach starts or ends. */
export function breachMarkers(points: ChartPoint[]) {
  const markers: { t: number; series: string; kind: 'start' | 'end' }[] = [];
  const bySeries = new Map<string, ChartPoint[]>();
  for (const p of points) bySeries.set(p.series, [...(bySeries.get(p.series) ?? []), p]);
  for (const [series, list] of bySeries) {
    let inBreach = false;
    for (const p of [...list].sort((a, b) => Date.parse(a.bucket) - Date.parse(b.bucket))) {
      if (p.p95 === null) continue;
      const over = p.p95 > 5000;
      if (over !== inBreach) markers.push({ t: Date.parse(p.bucket), series, kind: over ? 'start' : 'end' });
      inBreach = over;
    }
  }
  return markers;
}

export function LatencyChart({
  points,
  bucket,
  partialFrom,
  releases,
  toggles = [],
}: {
  points: ChartPoint[];
  bucket: 'hour' | 'day';
  partialFrom: string;
  releases: { at: string; release: string }[];
  toggles?: { at: string; label: string }[];
}) {
  const router = useRouter();
  const params = useSearchParams();
  const series = [...new Set(points.map((p) => p.series))];
  const byTime = new Map<number, Record<string, number | string | null>>();
  for (const p of points) {
    const t = Date.parse(p.bucket);
    const row = byTime.get(t) ?? { t };
    row[`${p.series} p50`] = p.p50;
    row[`${p.series} p95`] = p.p95;
    row[`${p.series} p99`] = p.p99;
    row[`${p.series} events`] = p.events;
    byTime.set(t, row);
  }
  const data = [...byTime.values()].sort((a, b) => (a.t as number) - (b.t as number));
  const tick = (t: number) =>
    new Date(t).toLocaleString(
      undefined,
      bucket === 'day'
        ? { month: 'short', day: 'numeric' }
        : { hour: '2-digit', minute: '2-digit', day: 'numeric' },
    );
  const partial = Date.parse(partialFrom);
  const lastT = data.length ? (data.at(-1)!.t as number) : partial;

  return (
    <div className="h-80" data-testid="latency-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart
          data={data}
          margin={{ top: 16, right: 16, bottom: 0, left: 8 }}
          onClick={(state) => {
            const t = (state as { activeLabel?: number } | undefined)?.activeLabel;
            if (t === undefined) return;
            const next = new URLSearchParams(params.toString());
            next.set('drill', new Date(Number(t)).toISOString());
            router.push(`/?${next}`, { scroll: false });
          }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} />
          <XAxis
            dataKey="t"
            type="number"
            domain={['dataMin', 'dataMax']}
            scale="time"
            tickFormatter={tick}
            stroke="currentColor"
            fontSize={11}
          />
          <YAxis tickFormatter={fmtMs} stroke="currentColor" fontSize={11} width={56} />
          <Tooltip
            labelFormatter={(t) =>
              `${new Date(Number(t)).toLocaleString()} (UTC ${new Date(Number(t)).toISOString().slice(0, 16).replace('T', ' ')})${Number(t) >= partial ? ' · partial' : ''}`
            }
            formatter={(value, name, item) => {
              const key = String(name);
              const events = (item.payload as Record<string, number>)[
                `${key.split(' ').slice(0, -1).join(' ')} events`
              ];
              return [
                `${fmtMs(Number(value))}${events !== undefined ? ` · ${events.toLocaleString()} events` : ''}`,
                key,
              ];
            }}
            contentStyle={{ fontSize: 12 }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <ReferenceLine
            y={2000}
            stroke="#0072B2"
            strokeDasharray="6 3"
            label={{
              value: 'p50 objective 2 s',
              position: 'insideTopLeft',
              fontSize: 11,
              fill: 'currentColor',
            }}
          />
          <ReferenceLine
            y={5000}
            stroke="#D55E00"
            strokeDasharray="6 3"
            label={{
              value: 'p95 objective 5 s',
              position: 'insideTopLeft',
              fontSize: 11,
              fill: 'currentColor',
            }}
          />
          {lastT >= partial && (
            <ReferenceArea
              x1={partial}
              x2={lastT}
              fill="currentColor"
              fillOpacity={0.06}
              label={{ value: 'partial', position: 'insideTop', fontSize: 10 }}
            />
          )}
          {releases.map((r) => (
            <ReferenceLine
              key={r.release}
              x={Date.parse(r.at)}
              stroke="#999"
              strokeDasharray="2 2"
              label={{ value: r.release, position: 'top', fontSize: 10, fill: 'currentColor' }}
            />
          ))}
          {toggles.map((t, i) => (
            <ReferenceLine
              key={`toggle-${i}`}
              x={Date.parse(t.at)}
              stroke="#CC79A7"
              strokeDasharray="3 3"
              label={{
                value: t.label.slice(0, 40),
                position: 'insideBottomLeft',
                fontSize: 10,
                fill: 'currentColor',
              }}
            />
          ))}
          {breachMarkers(points).map((m, i) => (
            <ReferenceLine
              key={`breach-${i}`}
              x={m.t}
              stroke={m.kind === 'start' ? '#D55E00' : '#009E73'}
              strokeOpacity={0.5}
            />
          ))}
          {series.flatMap((s) => [
            <Line
              key={`${s}-p50`}
              dataKey={`${s} p50`}
              stroke={colorFor(s)}
              strokeDasharray="5 3"
              dot={false}
              isAnimationActive={false}
              connectNulls
            />,
            <Line
              key={`${s}-p95`}
              dataKey={`${s} p95`}
              stroke={colorFor(s)}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />,
            <Line
              key={`${s}-p99`}
              dataKey={`${s} p99`}
              stroke={colorFor(s)}
              strokeDasharray="1 3"
              dot={false}
              isAnimationActive={false}
              connectNulls
            />,
          ])}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
