// Pure layout of the latency chart: the log axis, time ticks and the
// annotation lane. No DOM, so the server draws the same chart the browser does.

const DURATION_TICKS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000,
  600_000, 1_800_000, 3_600_000,
];

export interface LogScale {
  min: number;
  max: number;
  /** Position from the top, in per cent of the plot height. */
  y: (ms: number) => number;
  ticks: number[];
}

/**
 * A log axis over the values and the objectives (always in view): a p99 spike
 * to 30 s leaves p50 and p95 readable, each factor of ten taking the same
 * height. The domain is padded to the ticks around the data.
 */
export function logScale(values: number[], always: number[]): LogScale {
  const all = [...values.filter((v) => v > 0), ...always];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const min = [...DURATION_TICKS].reverse().find((t) => t <= lo / 1.15) ?? DURATION_TICKS[0]!;
  const max = DURATION_TICKS.find((t) => t >= hi * 1.15) ?? DURATION_TICKS.at(-1)!;
  const span = Math.log(max) - Math.log(min);
  const y = (ms: number) => ((Math.log(max) - Math.log(Math.min(max, Math.max(min, ms)))) / span) * 100;
  let ticks = DURATION_TICKS.filter((t) => t >= min && t <= max);
  // At most seven labels; the objectives' own values stay.
  while (ticks.length > 7) ticks = ticks.filter((t, i) => i % 2 === 0 || always.includes(t));
  return { min, max, y, ticks };
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** The UTC offset of a zone at an instant, in ms (local = utc + offset). */
function offsetAt(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(t);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'));
  return local - Math.floor(t / 60_000) * 60_000;
}

/**
 * Round instants in the display zone between `from` and `to`, about six of
 * them: every 10 minutes for an hour, 4 hours for a day, a day for a week,
 * a week (or 15 days) beyond.
 */
export function niceTimeTicks(
  from: number,
  to: number,
  grain: 'minute' | 'hour' | 'day',
  timeZone: string,
): number[] {
  const span = to - from;
  const step =
    grain === 'minute'
      ? 10 * 60_000
      : span <= 26 * HOUR
        ? 4 * HOUR
        : span <= 8 * DAY
          ? DAY
          : span <= 31 * DAY
            ? 5 * DAY
            : 15 * DAY;
  const ticks: number[] = [];
  // Round in local time: shift into the zone, floor to the step, shift back.
  const offset = offsetAt(from, timeZone);
  let t = Math.ceil((from + offset) / step) * step - offset;
  for (; t <= to && ticks.length < 40; t += step) {
    const drift = offsetAt(t, timeZone) - offset; // daylight-saving change inside the window
    ticks.push(t - drift);
  }
  return ticks.filter((v) => v >= from && v <= to);
}

export interface Annotation {
  t: number;
  kind: 'release' | 'signature';
  label: string;
}

export interface PlacedAnnotation {
  key: string;
  kind: Annotation['kind'];
  /** Position in per cent of the plot width. */
  x: number;
  row: 0 | 1;
  /** The marker's text: R1, S2, or R3+1 when a neighbour too close was merged into it. */
  short: string;
  title: string;
  items: { t: number; label: string }[];
}

/**
 * Annotations as short numbered markers (R1 for releases, S1 for signature
 * changes) in a lane of two rows above the plot: a marker goes to the first
 * row where it keeps `gap` per cent from the previous one; when neither row
 * has room it joins the previous marker of its kind (R1+1). Markers never
 * overlap; the full labels are listed under the chart.
 */
export function layoutAnnotations(
  annotations: (Annotation & { x: number })[],
  gap: number,
): PlacedAnnotation[] {
  const sorted = [...annotations].sort((a, b) => a.t - b.t);
  const placed: PlacedAnnotation[] = [];
  const lastX: [number, number] = [-Infinity, -Infinity];
  const counters = { release: 0, signature: 0 };
  for (const a of sorted) {
    const row = ([0, 1] as const).find((r) => a.x - lastX[r] >= gap);
    if (row === undefined) {
      const host = [...placed].reverse().find((p) => p.kind === a.kind) ?? placed.at(-1)!;
      host.items.push({ t: a.t, label: a.label });
      host.short = `${host.short.split('+')[0]}+${host.items.length - 1}`;
      host.title = host.items.map((i) => i.label).join(', ');
      continue;
    }
    lastX[row] = a.x;
    counters[a.kind] += 1;
    placed.push({
      key: `${a.kind}-${a.t}-${a.label}`,
      kind: a.kind,
      x: a.x,
      row,
      short: `${a.kind === 'release' ? 'R' : 'S'}${counters[a.kind]}`,
      title: a.label,
      items: [{ t: a.t, label: a.label }],
    });
  }
  return placed;
}
