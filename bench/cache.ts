// `npm run bench -- cache [--signals N] [--rounds R]`: what a full job signal
// cache costs the process. Fills the lookup cache's off-heap store
// (lib/cache/signal-store.ts) and, as the baseline, a Map of entry objects (the
// layout the cache used before: an object, a key string, an ETag string and a
// Buffer per signal) with N signals, each in a fresh process, alternating R
// times. Reports the V8 heap, Buffer memory and RSS each adds, a full garbage
// collection's pause with it held (median of five), and the cost of a hit
// (the store decodes the body into a string; the Map hands out the object it
// holds; neither is written anywhere). No database: this is the process's
// memory, not the lookup path.
import { spawnSync } from 'node:child_process';
import { hash, randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SignalStore, type StoredSignal } from '../lib/cache/signal-store';
import { parseArgs, percentile, printTable } from './_args';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Layout {
  name: string;
  fill(ids: string[], make: (i: number) => StoredSignal): unknown;
  get(holder: unknown, id: string): StoredSignal | undefined;
}

const layouts: Layout[] = [
  {
    name: 'off-heap store',
    fill(ids, make) {
      const store = new SignalStore(ids.length);
      ids.forEach((id, i) => store.set(id, make(i)));
      return store;
    },
    get: (holder, id) => (holder as SignalStore).get(id, 0),
  },
  {
    name: 'Map of objects (before)',
    fill(ids, make) {
      // The earlier layout kept the body as UTF-8 bytes in a Buffer.
      const map = new Map<string, Omit<StoredSignal, 'body'> & { body: Buffer }>();
      ids.forEach((id, i) => {
        const entry = make(i);
        map.set(id, { ...entry, body: Buffer.from(entry.body) });
      });
      return map;
    },
    get: (holder, id) => (holder as Map<string, StoredSignal>).get(id),
  },
];

/** A signal like the lookup bench's: ~430 bytes of JSON and a 27-character ETag. */
function makeSignal(tenantId: string) {
  return (i: number): StoredSignal => {
    const body = JSON.stringify({
      jobId: randomUUID(),
      tenantId,
      runId: null,
      kind: 'queued',
      phase: 'resolve',
      summary: `Bench job ${i}`,
      etaSeconds: i % 600,
      lastKnownOutcome: null,
      nextActions: [{ label: 'View run', href: '/runs/x' }],
      diagnostics: { queue_position: i % 10 },
      prediction: null,
      updatedAt: new Date().toISOString(),
    });
    return {
      tenantId,
      etag: ['W/"', hash('sha256', body, 'buffer').toString('base64url', 0, 20), '"'].join(''),
      body,
      source: 'snapshot',
      failed: false,
      expiresAt: Date.now() + 300_000,
    };
  };
}

function settle() {
  gc();
  gc();
  return process.memoryUsage();
}

/** One layout filled in a fresh process (so neither sees the other's freed memory); prints its figures as JSON. */
function measureHere(layout: Layout, n: number) {
  const make = makeSignal(randomUUID());
  // Flat strings, as job ids arrive from a URL: randomUUID() builds each by
  // concatenation, and the first hash or read of such a string flattens it,
  // which would free ~370 bytes per id in the middle of the measurement.
  const ids = Array.from({ length: n }, () => Buffer.from(randomUUID()).toString('latin1'));
  const probe = Array.from({ length: 200_000 }, (_, i) => ids[(i * 7919) % n]!);
  const before = settle();
  const holder = layout.fill(ids, make);
  const after = settle();
  const pauses = Array.from({ length: 5 }, () => {
    const started = performance.now();
    gc();
    return performance.now() - started;
  }).sort((a, b) => a - b);
  let found = 0;
  const started = performance.now();
  for (const id of probe) if (layout.get(holder, id)) found++;
  const hitUs = ((performance.now() - started) * 1000) / probe.length;
  if (found !== probe.length) throw new Error(`${layout.name}: ${probe.length - found} lookups missed`);
  console.log(
    JSON.stringify({
      heap: (after.heapUsed - before.heapUsed) / 2 ** 20,
      offHeap: (after.arrayBuffers - before.arrayBuffers) / 2 ** 20,
      rss: (after.rss - before.rss) / 2 ** 20,
      gc: pauses[2]!,
      hit: hitUs,
    }),
  );
}

type Figures = { heap: number; offHeap: number; rss: number; gc: number; hit: number };

export default async function cache(args: string[]) {
  const options = parseArgs(args);
  const n = Number(options.signals ?? 100_000);
  if (options.child !== undefined) return measureHere(layouts[Number(options.child)]!, n);
  const rounds = Number(options.rounds ?? 3);
  const results = layouts.map(() => [] as Figures[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i] of layouts.entries()) {
      const child = spawnSync(
        process.execPath,
        [...process.execArgv, process.argv[1]!, 'cache', '--signals', String(n), '--child', String(i)],
        { encoding: 'utf8' },
      );
      if (child.status !== 0) throw new Error(`cache bench child failed: ${child.stderr}`);
      results[i]!.push(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Figures);
    }
  }
  const sorted = (runs: Figures[], key: keyof Figures) => runs.map((r) => r[key]).sort((a, b) => a - b);
  const median = (runs: Figures[], key: keyof Figures) => percentile(sorted(runs, key), 0.5);
  const span = (runs: Figures[], key: keyof Figures, digits: number) => {
    const values = sorted(runs, key);
    const [low, high] = [values[0]!.toFixed(digits), values.at(-1)!.toFixed(digits)];
    return low === high ? low : `${low}–${high}`;
  };
  console.log(
    `\ncache bench: ${n.toLocaleString('en')} signals, ${rounds} alternating rounds, each layout filled in a fresh process\n`,
  );
  printTable(
    layouts.map((layout, i) => ({
      layout: layout.name,
      'V8 heap (MiB)': span(results[i]!, 'heap', 1),
      'Buffers (MiB)': span(results[i]!, 'offHeap', 1),
      'RSS (MiB)': span(results[i]!, 'rss', 1),
      'full GC pause (ms)': span(results[i]!, 'gc', 1),
      'hit (µs)': span(results[i]!, 'hit', 2),
    })),
  );
  const [store, map] = results as [Figures[], Figures[]];
  console.log(
    JSON.stringify({
      bench: 'cache',
      signals: n,
      rounds,
      heap_mib: +median(store, 'heap').toFixed(1),
      heap_mib_before: +median(map, 'heap').toFixed(1),
      rss_mib: +median(store, 'rss').toFixed(1),
      rss_mib_before: +median(map, 'rss').toFixed(1),
      full_gc_ms: +median(store, 'gc').toFixed(2),
      full_gc_ms_before: +median(map, 'gc').toFixed(2),
      full_gc_ratio: +(median(map, 'gc') / median(store, 'gc')).toFixed(1),
      hit_us: +median(store, 'hit').toFixed(3),
      hit_us_before: +median(map, 'hit').toFixed(3),
    }),
  );
}
