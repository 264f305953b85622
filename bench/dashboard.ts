// `npm run bench -- dashboard [--url U] [--events N[,N...]] [--requests R]`:
// loads N events (default 1,000,000 then 10,000,000) over 7 days for a bench
// tenant into the running console's database, then times the overview for
// 7 days (server-rendered, streamed): time to first byte and to the full HTML,
// once the loaded rows are vacuumed and analyzed (steady state).
import postgres from 'postgres';
import { parseArgs, percentile, printTable } from './_args';
import { benchDatabase } from './_db';
import { pageBenchTenant } from './_events';

async function timePage(url: string, cookie: string) {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie } });
  const reader = response.body!.getReader();
  let ttfb = 0;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (!ttfb) ttfb = performance.now() - started;
    if (done) break;
    bytes += value.byteLength;
  }
  return { status: response.status, ttfb, full: performance.now() - started, bytes };
}

export default async function dashboard(args: string[]) {
  const options = parseArgs(args);
  const base = (options.url ?? 'http://localhost:3000').replace(/\/$/, '');
  const sizes = (options.events ?? '1000000,10000000').split(',').map(Number);
  const requests = Number(options.requests ?? 10);
  const server = await benchDatabase();
  const sql = postgres(server.url, { max: 4, onnotice: () => {} });
  const rows: Record<string, string | number>[] = [];
  const runs: { bench: 'dashboard'; events: number; ttfb_ms_p95: number; full_ms_p95: number }[] = [];
  let last: Record<string, unknown> = {};
  let bench: Awaited<ReturnType<typeof pageBenchTenant>> | undefined;
  try {
    bench = await pageBenchTenant(sql, 'viewer', 'Dashboard bench');
    const { cookie, slug } = bench;
    for (const size of sizes) {
      await bench.loadUpTo(size);
      const url = `${base}/?range=7d&tenant=${slug}`;
      await timePage(url, cookie); // warm-up
      const samples = [];
      for (let i = 0; i < requests; i++) samples.push(await timePage(url, cookie));
      const ttfb = samples.map((s) => s.ttfb).sort((a, b) => a - b);
      const full = samples.map((s) => s.full).sort((a, b) => a - b);
      rows.push({
        events: size,
        status: samples[0]!.status,
        ttfb_p50_ms: percentile(ttfb, 0.5).toFixed(1),
        ttfb_p95_ms: percentile(ttfb, 0.95).toFixed(1),
        full_p50_ms: percentile(full, 0.5).toFixed(1),
        full_p95_ms: percentile(full, 0.95).toFixed(1),
        kib: Math.round(samples[0]!.bytes / 1024),
      });
      last = {
        bench: 'dashboard',
        events: size,
        ttfb_ms_p95: +percentile(ttfb, 0.95).toFixed(1),
        full_ms_p95: +percentile(full, 0.95).toFixed(1),
        status: samples[0]!.status,
      };
      runs.push({
        bench: 'dashboard',
        events: size,
        ttfb_ms_p95: +percentile(ttfb, 0.95).toFixed(1),
        full_ms_p95: +percentile(full, 0.95).toFixed(1),
      });
    }
    console.log(`\ndashboard bench against ${base}: overview, 7 days, ${requests} requests per size\n`);
    printTable(rows);
    // Last line: the largest size's figures at the top level (as before), every
    // size's in `sizes` (table rows) and in `runs` ({bench, events, ttfb_ms_p95, full_ms_p95}).
    console.log(JSON.stringify({ ...last, sizes: rows, runs }));
  } finally {
    process.stderr.write('cleaning up\n');
    await bench?.remove();
    await sql.end();
    await server.stop();
  }
}
