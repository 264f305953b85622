// Exact counts over short windows [to - length, to) with minute precision, read
// mostly from hour rollup cells: a window is its whole hours (cells) plus, for each
// partial hour at its edges, either the raw events of that part or the hour's
// cell minus the raw events of the rest of the hour, whichever reads fewer raw
// minutes. Nothing is recorded after `to` yet (or almost nothing: clock skew), so
// "the current hour's cell minus the events after `to`" costs no raw reads.
// Every term is an exact integer count; evaluated in one SQL statement (one
// snapshot), cells and raw rows agree, so the sums are exact.

const HOUR = 3_600_000;

export type Term =
  { kind: 'cell'; hour: number; sign: 1 | -1 } | { kind: 'raw'; from: number; to: number; sign: 1 | -1 };

export interface ShortWindowPlan {
  /** Hour starts (ms) whose cells are read. */
  hours: number[];
  /** Disjoint, sorted raw ranges [from, to) (ms) to read. */
  rawRanges: [number, number][];
  /** Sorted boundaries of the raw ranges: raw counts are grouped by width_bucket(ts, boundaries). */
  boundaries: number[];
  /** Per window, in input order: the signed terms that sum to its count. */
  windows: Term[][];
}

const floorHour = (t: number) => Math.floor(t / HOUR) * HOUR;

/** The ways to count [from, to) exactly; `to` is the end shared by every window. */
function decompositions(from: number, to: number): Term[][] {
  const hFrom = floorHour(from);
  const hTo = floorHour(to);
  const raw = (a: number, b: number, sign: 1 | -1 = 1): Term[] =>
    b > a ? [{ kind: 'raw', from: a, to: b, sign }] : [];
  const cell = (hour: number, sign: 1 | -1 = 1): Term => ({ kind: 'cell', hour, sign });
  // [hTo, to): raw, or the hour's cell minus what lies after `to`.
  const tails: Term[][] = to === hTo ? [[]] : [raw(hTo, to), [cell(hTo), ...raw(to, hTo + HOUR, -1)]];
  if (hFrom === hTo) {
    if (from === hFrom) return tails;
    // Inside one hour: raw, or the cell minus both sides.
    return [raw(from, to), [cell(hTo), ...raw(hTo, from, -1), ...raw(to, hTo + HOUR, -1)]];
  }
  const middle: Term[] = [];
  for (let h = hFrom + HOUR; h < hTo; h += HOUR) middle.push(cell(h));
  const heads: Term[][] =
    from === hFrom ? [[cell(hFrom)]] : [raw(from, hFrom + HOUR), [cell(hFrom), ...raw(hFrom, from, -1)]];
  return heads.flatMap((head) => tails.map((tail) => [...head, ...middle, ...tail]));
}

function merge(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * Plans windows [to - length, to) for each length (ms), choosing per window the
 * decomposition that, together with the others, reads the fewest raw minutes.
 * Raw minutes at or after `recordedUntil` (normally the current time) are free.
 */
export function planShortWindows(to: number, lengths: number[], recordedUntil: number = to): ShortWindowPlan {
  const choices = lengths.map((length) => decompositions(to - length, to));
  const cost = (terms: Term[][]) =>
    merge(
      terms
        .flat()
        .flatMap((t) =>
          t.kind === 'raw'
            ? [[t.from, Math.min(t.to, Math.max(t.from, recordedUntil))] as [number, number]]
            : [],
        )
        .filter(([a, b]) => b > a),
    ).reduce((sum, [a, b]) => sum + (b - a), 0);
  let best: Term[][] = choices.map((c) => c[0]!);
  let bestCost = Infinity;
  const pick = (i: number, acc: Term[][]) => {
    if (i === choices.length) {
      const c = cost(acc);
      if (c < bestCost) [best, bestCost] = [acc, c];
      return;
    }
    for (const option of choices[i]!) pick(i + 1, [...acc, option]);
  };
  pick(0, []);
  const rawRanges = merge(
    best.flat().flatMap((t) => (t.kind === 'raw' ? [[t.from, t.to] as [number, number]] : [])),
  );
  const boundaries = [...new Set(best.flat().flatMap((t) => (t.kind === 'raw' ? [t.from, t.to] : [])))].sort(
    (a, b) => a - b,
  );
  const hours = [...new Set(best.flat().flatMap((t) => (t.kind === 'cell' ? [t.hour] : [])))].sort(
    (a, b) => a - b,
  );
  return { hours, rawRanges, boundaries, windows: best };
}

/**
 * Sums a window's terms, given cell counts by hour and raw counts by
 * width_bucket index (1-based: boundaries[i - 1] <= ts < boundaries[i]).
 */
export function sumTerms<K extends string>(
  terms: Term[],
  boundaries: number[],
  cellAt: (hour: number) => Record<K, number> | undefined,
  rawIn: (index: number) => Record<K, number> | undefined,
  keys: readonly K[],
): Record<K, number> {
  const total = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  const add = (row: Record<K, number> | undefined, sign: number) => {
    if (row) for (const k of keys) total[k] += sign * row[k];
  };
  for (const term of terms) {
    if (term.kind === 'cell') add(cellAt(term.hour), term.sign);
    else {
      const first = boundaries.indexOf(term.from) + 1;
      const last = boundaries.indexOf(term.to);
      for (let i = first; i <= last; i++) add(rawIn(i), term.sign);
    }
  }
  return total;
}
