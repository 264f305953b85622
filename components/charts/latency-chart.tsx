'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useDisplayZone } from '@/components/format/zone';
import {
  formatDateTime,
  formatDay,
  formatDuration,
  formatDurationTick,
  formatTime,
  type DisplayZone,
} from '@/lib/format';
import { OBJECTIVES as SLO_OBJECTIVES } from '@/lib/slo/burn';
import { colorFor } from './palette';
import { layoutAnnotations, logScale, niceTimeTicks, type Annotation } from './scale';

export interface ChartPoint {
  /** Bucket start, ms since the epoch. */
  t: number;
  series: string;
  events: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

type Percentile = 'p50' | 'p95' | 'p99';
const PERCENTILES: Percentile[] = ['p50', 'p95', 'p99'];
const DASH: Record<Percentile, string | undefined> = { p50: '6 4', p95: undefined, p99: '1.5 3' };
const WIDTH: Record<Percentile, number> = { p50: 1.5, p95: 2.25, p99: 1.25 };

// The SLO's thresholds (lib/slo/burn): the log scale always keeps them in view.
const OBJECTIVES = SLO_OBJECTIVES.map((o) => ({
  ms: o.thresholdMs,
  label: `${o.id} ≤ ${o.thresholdMs / 1000} s`,
}));
const OBJECTIVE_MS = OBJECTIVES.map((o) => o.ms);

export interface LatencyChartProps {
  points: ChartPoint[];
  /** Window start and end (ms) and the bucket length. */
  from: number;
  to: number;
  bucketMs: number;
  grain: 'minute' | 'hour' | 'day';
  /** Buckets at or after this instant are still filling. */
  partialFrom: number;
  annotations: Annotation[];
  /** The bucket open in the drill-down, if any (ms). */
  drill?: number | null;
  title: string;
}

function tickLabel(t: number, grain: LatencyChartProps['grain'], zone: DisplayZone, spanMs: number) {
  if (grain === 'day') return formatDay(t, zone);
  if (spanMs > 36 * 3600_000) return `${formatDay(t, zone)} ${formatTime(t, zone)}`;
  return formatTime(t, zone);
}

function bucketLabel(t: number, grain: LatencyChartProps['grain'], zone: DisplayZone) {
  return grain === 'day' ? formatDay(t, zone) : formatDateTime(t, zone);
}

/**
 * The overview's latency chart: p95 per series by default (p50 and p99 on
 * demand) on a log axis, objectives labelled at the right edge, release and
 * signature annotations in their own lane, buckets whose p95 is over 5 s shaded.
 * Drawn from props alone (no measuring), so the server's HTML already holds it:
 * the plot is an SVG stretched to its box with non-scaling strokes, and every
 * text is HTML positioned in per cent.
 */
export function LatencyChart(props: LatencyChartProps) {
  const { points, from, to, bucketMs, grain, partialFrom, annotations, drill, title } = props;
  const zone = useDisplayZone();
  const router = useRouter();
  const params = useSearchParams();
  const id = useId();
  const [shown, setShown] = useState<Percentile[]>(['p95']);
  const [hidden, setHidden] = useState<string[]>([]);
  const [active, setActive] = useState<number | null>(null);
  const plotRef = useRef<HTMLDivElement>(null);

  const series = useMemo(() => [...new Set(points.map((p) => p.series))], [points]);
  const buckets = useMemo(() => {
    const list: number[] = [];
    for (let t = from; t < to; t += bucketMs) list.push(t);
    return list;
  }, [from, to, bucketMs]);
  const byKey = useMemo(() => new Map(points.map((p) => [`${p.series}|${p.t}`, p])), [points]);
  const visible = series.filter((s) => !hidden.includes(s));

  const values = points
    .filter((p) => !hidden.includes(p.series))
    .flatMap((p) => shown.map((k) => p[k]))
    .filter((v): v is number => v !== null && v > 0);
  const scale = logScale(values, OBJECTIVE_MS);
  const span = to - from;
  const x = (t: number) => ((t + bucketMs / 2 - from) / span) * 100;
  const colW = (bucketMs / span) * 100;
  const xTicks = niceTimeTicks(from, to, grain, zone.timeZone);
  const lanes = layoutAnnotations(
    annotations.map((a) => ({ ...a, x: ((a.t - from) / span) * 100 })),
    // Per cent of the plot: 28 px at the narrowest plot that shows labels (sm, about 460 px).
    6,
  );
  const breached = buckets.filter((t) => visible.some((s) => (byKey.get(`${s}|${t}`)?.p95 ?? 0) > 5000));

  // Buckets without events are skipped (no data is not zero): the line joins its neighbours.
  const present = (s: string, k: Percentile) => buckets.filter((t) => (byKey.get(`${s}|${t}`)?.[k] ?? 0) > 0);
  function path(s: string, k: Percentile) {
    return present(s, k)
      .map((t, i) => `${i ? 'L' : 'M'}${x(t).toFixed(3)} ${scale.y(byKey.get(`${s}|${t}`)![k]!).toFixed(3)}`)
      .join('');
  }
  // Dots where a line alone would hide how sparse a series is (or draw nothing for one point).
  function dots(s: string, k: Percentile) {
    const list = present(s, k);
    return list.length === 1 || list.length < buckets.length * 0.6 ? list : [];
  }

  function openDrill(index: number) {
    const t = buckets[index];
    if (t === undefined) return;
    const next = new URLSearchParams(params.toString());
    next.set('drill', new Date(t).toISOString());
    next.delete('drillSurface');
    next.delete('drillTenant');
    router.push(`/?${next}`, { scroll: false });
  }

  function indexAt(event: PointerEvent<HTMLDivElement>) {
    const box = plotRef.current?.getBoundingClientRect();
    if (!box || box.width === 0) return null;
    const i = Math.floor(((event.clientX - box.left) / box.width) * buckets.length);
    return Math.min(buckets.length - 1, Math.max(0, i));
  }

  function onKey(event: KeyboardEvent<HTMLDivElement>) {
    const last = buckets.length - 1;
    const current = active ?? last;
    const moves: Record<string, number> = {
      ArrowLeft: current - 1,
      ArrowRight: current + 1,
      Home: 0,
      End: last,
      PageUp: current - 10,
      PageDown: current + 10,
    };
    if (event.key in moves) {
      event.preventDefault();
      setActive(Math.min(last, Math.max(0, moves[event.key]!)));
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      openDrill(current);
    } else if (event.key === 'Escape') setActive(null);
  }

  const activeT = active === null ? null : buckets[active]!;
  const readout =
    activeT === null
      ? null
      : `${bucketLabel(activeT, grain, zone)}${activeT >= partialFrom ? ' (still filling)' : ''}: ${
          visible
            .map((s) => {
              const p = byKey.get(`${s}|${activeT}`);
              return p
                ? `${s} ${shown.map((k) => `${k} ${formatDuration(p[k])}`).join(', ')} (${p.events} events)`
                : `${s} no events`;
            })
            .join('; ') || 'no series shown'
        }`;
  const drillIndex = drill ? buckets.indexOf(drill) : -1;

  return (
    <figure
      data-testid="latency-chart"
      data-ready="true"
      data-grain={grain}
      data-buckets={buckets.length}
      data-series={visible.join(',')}
      data-percentiles={shown.join(',')}
      aria-labelledby={`${id}-title`}
      className="m-0"
    >
      <figcaption id={`${id}-title`} className="sr-only">
        {title}
      </figcaption>
      <div className="mb-2 flex flex-wrap items-center gap-x-4 gap-y-2 text-xs">
        <div
          role="group"
          aria-label="Percentiles"
          className="inline-flex rounded-md border border-line-strong p-0.5"
        >
          {PERCENTILES.map((k) => (
            <button
              key={k}
              type="button"
              aria-pressed={shown.includes(k)}
              data-testid={`show-${k}`}
              onClick={() =>
                setShown((cur) =>
                  cur.includes(k) ? (cur.length > 1 ? cur.filter((c) => c !== k) : cur) : [...cur, k],
                )
              }
              className={`flex items-center gap-1.5 rounded px-2 py-1 font-medium ${shown.includes(k) ? 'bg-inverse text-inverse-fg' : 'text-muted'}`}
            >
              <svg aria-hidden width="18" height="6">
                <line
                  x1="0"
                  y1="3"
                  x2="18"
                  y2="3"
                  stroke="currentColor"
                  strokeWidth={WIDTH[k]}
                  strokeDasharray={DASH[k]}
                />
              </svg>
              {k}
            </button>
          ))}
        </div>
        <div role="group" aria-label="Series" className="flex flex-wrap gap-1">
          {series.map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={!hidden.includes(s)}
              data-testid={`series-${s}`}
              onClick={() => setHidden((cur) => (cur.includes(s) ? cur.filter((c) => c !== s) : [...cur, s]))}
              className={`flex items-center gap-1.5 rounded-md border px-2 py-1 ${hidden.includes(s) ? 'border-line text-muted line-through' : 'border-line-strong text-fg'}`}
            >
              <span
                aria-hidden
                className="inline-block h-2.5 w-2.5 rounded-full"
                style={{ background: colorFor(s) }}
              />
              {s}
            </button>
          ))}
        </div>
      </div>

      <div className="relative h-72 select-none sm:h-80" aria-hidden="false">
        {/* Annotation lane */}
        <div className="absolute top-0 right-16 left-12 h-9" aria-hidden>
          {lanes.map((a) => (
            <span
              key={a.key}
              className={`absolute -translate-x-1/2 rounded px-1 text-[10px] leading-4 font-semibold whitespace-nowrap ${a.kind === 'release' ? 'bg-subtle text-fg' : 'bg-info-soft text-info'}`}
              style={{ left: `${a.x}%`, top: `${a.row * 18}px` }}
              title={a.title}
            >
              {/* Narrow screens: a small mark (the lane is too short for text), listed in order below. */}
              <span className="sm:hidden">▾</span>
              <span className="hidden sm:inline">{a.short}</span>
            </span>
          ))}
        </div>
        {/* Y axis labels */}
        <div className="absolute top-9 bottom-6 left-0 w-11 text-right text-[11px] text-muted" aria-hidden>
          {scale.ticks.map((v) => (
            <span
              key={v}
              className="absolute right-1 -translate-y-1/2 whitespace-nowrap tabular-nums"
              style={{ top: `${scale.y(v)}%` }}
            >
              {formatDurationTick(v)}
            </span>
          ))}
        </div>
        {/* Objective labels, at the right edge */}
        <div className="absolute top-9 right-0 bottom-6 w-16 text-[10px] leading-3 text-fg" aria-hidden>
          {OBJECTIVES.map((o) => (
            <span
              key={o.ms}
              className="absolute left-1 -translate-y-1/2 whitespace-nowrap"
              style={{ top: `${scale.y(o.ms)}%` }}
            >
              {o.label}
            </span>
          ))}
        </div>
        {/* Plot */}
        <div
          ref={plotRef}
          role="group"
          aria-roledescription="interactive chart"
          tabIndex={0}
          aria-label={`${title}. Left and right arrows move between ${grain}s, Enter lists the slowest events of the bucket.`}
          aria-describedby={`${id}-readout`}
          data-testid="chart-plot"
          onKeyDown={onKey}
          onPointerMove={(e) => e.pointerType === 'mouse' && setActive(indexAt(e))}
          onPointerLeave={(e) => e.pointerType === 'mouse' && setActive(null)}
          onClick={(e) => {
            const i = indexAt(e as unknown as PointerEvent<HTMLDivElement>);
            if (i !== null) {
              setActive(i);
              openDrill(i);
            }
          }}
          onBlur={() => setActive(null)}
          className="absolute top-9 right-16 bottom-6 left-12 cursor-crosshair rounded-sm border-b border-l border-line-strong focus-visible:outline-2"
        >
          <svg
            className="absolute inset-0 h-full w-full overflow-visible"
            viewBox="0 0 100 100"
            preserveAspectRatio="none"
            aria-hidden
          >
            {breached.map((t) => (
              <rect
                key={`b${t}`}
                x={x(t) - colW / 2}
                width={colW}
                y={0}
                height={100}
                fill="var(--ttfs-danger)"
                fillOpacity={0.12}
              />
            ))}
            {partialFrom < to && (
              <rect
                x={((partialFrom - from) / span) * 100}
                width={((to - partialFrom) / span) * 100}
                y={0}
                height={100}
                fill="currentColor"
                fillOpacity={0.06}
              />
            )}
            {drillIndex >= 0 && (
              <rect
                x={x(buckets[drillIndex]!) - colW / 2}
                width={colW}
                y={0}
                height={100}
                fill="var(--ttfs-focus)"
                fillOpacity={0.18}
              />
            )}
            {scale.ticks.map((v) => (
              <line
                key={v}
                x1={0}
                x2={100}
                y1={scale.y(v)}
                y2={scale.y(v)}
                stroke="currentColor"
                strokeOpacity={0.1}
                vectorEffect="non-scaling-stroke"
              />
            ))}
            {lanes.map((a) => (
              <line
                key={a.key}
                x1={a.x}
                x2={a.x}
                y1={0}
                y2={100}
                stroke="currentColor"
                strokeOpacity={0.35}
                strokeDasharray="2 3"
                vectorEffect="non-scaling-stroke"
              />
            ))}
            {OBJECTIVES.map((o) => (
              <line
                key={o.ms}
                x1={0}
                x2={100}
                y1={scale.y(o.ms)}
                y2={scale.y(o.ms)}
                stroke="currentColor"
                strokeOpacity={0.7}
                strokeDasharray="8 4"
                vectorEffect="non-scaling-stroke"
              />
            ))}
            {visible.flatMap((s) =>
              shown.map((k) => (
                <path
                  key={`${s}-${k}`}
                  d={path(s, k)}
                  fill="none"
                  stroke={colorFor(s)}
                  strokeWidth={WIDTH[k]}
                  strokeDasharray={DASH[k]}
                  strokeLinejoin="round"
                  vectorEffect="non-scaling-stroke"
                  data-testid={`line-${s}-${k}`}
                />
              )),
            )}
            {activeT !== null && (
              <line
                x1={x(activeT)}
                x2={x(activeT)}
                y1={0}
                y2={100}
                stroke="currentColor"
                strokeOpacity={0.6}
                vectorEffect="non-scaling-stroke"
              />
            )}
          </svg>
          {/* Dots as HTML: circles would stretch with the SVG. */}
          {visible.flatMap((s) =>
            shown.flatMap((k) =>
              dots(s, k).map((t) => (
                <span
                  key={`${s}-${k}-${t}`}
                  aria-hidden
                  className="absolute h-1.5 w-1.5 -translate-x-1/2 -translate-y-1/2 rounded-full"
                  style={{
                    left: `${x(t)}%`,
                    top: `${scale.y(byKey.get(`${s}|${t}`)![k]!)}%`,
                    background: colorFor(s),
                  }}
                />
              )),
            ),
          )}
          {readout && activeT !== null && (
            <div
              className={`pointer-events-none absolute top-1 z-10 max-w-[16rem] rounded-md border border-line bg-surface p-2 text-[11px] shadow-md ${x(activeT) > 55 ? 'right-[calc(100%-var(--x))]' : 'left-[var(--x)]'}`}
              style={{ ['--x' as string]: `calc(${x(activeT)}% + 8px)` }}
              aria-hidden
            >
              <div className="font-semibold">{bucketLabel(activeT, grain, zone)}</div>
              {visible.map((s) => {
                const p = byKey.get(`${s}|${activeT}`);
                return (
                  <div key={s} className="flex items-center gap-1.5 tabular-nums">
                    <span className="inline-block h-2 w-2 rounded-full" style={{ background: colorFor(s) }} />
                    {s}: {p ? shown.map((k) => `${k} ${formatDuration(p[k])}`).join(' · ') : 'no events'}
                  </div>
                );
              })}
            </div>
          )}
        </div>
        {/* X axis labels */}
        <div className="absolute right-16 bottom-0 left-12 h-6 text-[11px] text-muted" aria-hidden>
          {xTicks.map((t, i) => (
            <span
              key={t}
              className={`absolute top-1 -translate-x-1/2 whitespace-nowrap tabular-nums ${i % 2 ? 'hidden sm:inline' : ''}`}
              style={{ left: `${((t - from) / span) * 100}%` }}
            >
              {tickLabel(t, grain, zone, span)}
            </span>
          ))}
        </div>
      </div>
      <p
        id={`${id}-readout`}
        className="mt-1 min-h-4 text-xs text-muted"
        aria-live="polite"
        data-testid="chart-readout"
      >
        {readout ??
          `Log scale. Hover, tap or focus the chart and use the arrow keys to read a ${grain}; click or press Enter for its slowest events.`}
      </p>
      {lanes.length > 0 && (
        <ol className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted" data-testid="annotations">
          {lanes.map((a) => (
            <li key={a.key}>
              <span
                className={`mr-1 rounded px-1 font-semibold ${a.kind === 'release' ? 'bg-subtle text-fg' : 'bg-info-soft text-info'}`}
              >
                {a.short}
              </span>
              {a.items.map((item) => `${item.label} (${formatDateTime(item.t, zone)})`).join('; ')}
            </li>
          ))}
        </ol>
      )}
    </figure>
  );
}
