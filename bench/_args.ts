/** `--events 1000000 --url http://x` -> { events: '1000000', url: 'http://x' } */
export function parseArgs(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) continue;
    const [key, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) out[key!] = inline;
    else if (args[i + 1] && !args[i + 1]!.startsWith('--')) out[key!] = args[++i]!;
    else out[key!] = 'true';
  }
  return out;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function printTable(rows: Record<string, string | number>[]) {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(cols));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => String(r[c]))));
}

/**
 * Latency samples in a preallocated Float64Array: recording one allocates
 * nothing, so a load generator's own garbage collection (which would delay
 * every response it is timing) stays out of the numbers it reports.
 */
export class Samples {
  private data: Float64Array;
  length = 0;
  constructor(capacity = 1 << 20) {
    this.data = new Float64Array(capacity);
  }
  push(ms: number) {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = ms;
  }
  /** The samples in ascending order (a copy). */
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}
