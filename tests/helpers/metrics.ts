import { scrape } from '@/lib/ops/metrics';

/** The five TTFS counter families of the catalogue (the sixth family is the latency histogram). */
export const TTFS_COUNTER_FAMILIES = [
  'ttfs_signal_total',
  'ttfs_slo_breach_total',
  'ttfs_cache_hit_total',
  'ttfs_cache_miss_total',
  'ttfs_error_total',
] as const;

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text exposition format: every sample line must parse. */
export function parseExposition(text: string) {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.trim().split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name!, type!);
      continue;
    }
    if (line === '' || line.startsWith('# HELP ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$/.exec(line);
    if (!m) throw new Error(`unparseable line: ${line}`);
    const labels = Object.fromEntries(
      [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]),
    );
    samples.push({ name: m[1]!, labels, value: Number(m[4]) });
  }
  return { samples, types };
}

/**
 * The samples of this process's registry whose name and labels match (labels
 * not named match anything), once settled: a new TTFS series shows its counts
 * from the second scrape on (the first exports it at 0), so this scrapes twice.
 */
export async function samples(name: string, labels: Record<string, string> = {}): Promise<Sample[]> {
  await scrape();
  return parseExposition(await scrape()).samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The sum of the matching samples (0 when there are none). */
export async function sampleSum(name: string, labels: Record<string, string> = {}): Promise<number> {
  return (await samples(name, labels)).reduce((sum, s) => sum + s.value, 0);
}
