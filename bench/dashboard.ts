// `npm run bench -- dashboard [--url U] [--events N[,N...]] [--requests R]`:
// loads N events (default 1,000,000 then 10,000,000) over 7 days for a bench
// tenant into the running console's database, then times the overview for
// 7 days (server-rendered, streamed): time to first byte and to the full HTML,
// once the loaded rows are vacuumed and analyzed (steady state).
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { parseArgs, percentile, printTable } from './_args';
import { benchDatabase } from './_db';
import { testSession } from '../tests/helpers/auth';

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
  const tenant = randomUUID();
  const slug = `bench-${tenant.slice(0, 8)}`;
  const rows: Record<string, string | number>[] = [];
  const runs: { bench: 'dashboard'; events: number; ttfb_ms_p95: number; full_ms_p95: number }[] = [];
  let last: Record<string, unknown> = {};
  let userId = '';
  try {
    await sql`insert into console.tenants (id, slug, name) values (${tenant}, ${slug}, 'Dashboard bench')`;
    const session = await testSession(sql, { role: 'viewer', name: 'Bench SRE' });
    userId = session.id;
    const cookie = session.headers.cookie!;
    let loaded = 0;
    for (const size of sizes) {
      while (loaded < size) {
        const n = Math.min(1_000_000, size - loaded);
        await sql`
          insert into scheduler.ttfs_events (ts, tenant_id, job_id, surface, event_type, ttfs_ms, cache_hit, release)
          select * from (
            select now() - random() * interval '7 days' as ts, ${tenant}::uuid, gen_random_uuid(), (array['ui','cli','ci'])[1 + (g % 3)],
              (array['signal.rendered','signal.rendered','signal.rendered','signal.start','signal.timeout','signal.error'])[1 + (g % 6)],
              greatest(1, exp(case when random() < 0.7 then ln(700) else ln(2100) end + 0.6 * sqrt(-2 * ln(greatest(random(), 1e-12))) * cos(2 * pi() * random())))::int,
              random() < 0.7, 'bench'
            from generate_series(1, ${n}::int) g
          ) e
          -- In time order, as ingest writes a real table (events arrive as they happen):
          -- the last hour's rows sit together, as they would, not on a page each.
          order by ts`;
        loaded += n;
        process.stderr.write(`loaded ${loaded} events\n`);
      }
      await sql`select scheduler.ttfs_rollup_fold()`;
      // Measure the steady state: a real table grows over days while autovacuum
      // keeps it and the rollups vacuumed and analyzed. Right after a bulk load of
      // millions of rows, autovacuum and stale planner statistics would be timed
      // instead (renders during that minute took up to ~2x longer).
      await sql`vacuum (analyze) scheduler.ttfs_events, scheduler.ttfs_rollup_cells, scheduler.ttfs_rollup_buckets,
        scheduler.ttfs_rollup_cells_daily, scheduler.ttfs_rollup_buckets_daily, scheduler.ttfs_rollup_quantiles,
        scheduler.ttfs_summary_hourly, scheduler.ttfs_summary_daily`;
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
    await sql`delete from scheduler.ttfs_events where tenant_id = ${tenant}`;
    await sql`delete from scheduler.ttfs_rollup_cells where tenant_id = ${tenant}`;
    await sql`delete from scheduler.ttfs_rollup_buckets where tenant_id = ${tenant}`;
    await sql`delete from scheduler.ttfs_rollup_cells_delta where tenant_id = ${tenant}`;
    await sql`delete from scheduler.ttfs_rollup_histogram_delta where tenant_id = ${tenant}`;
    await sql`delete from scheduler.ttfs_summary_daily where tenant_id = ${tenant}`;
    await sql`delete from scheduler.ttfs_rollup_cells_daily where tenant_id = ${tenant}`;
    await sql`delete from scheduler.ttfs_rollup_buckets_daily where tenant_id = ${tenant}`;
    await sql`delete from scheduler.ttfs_rollup_quantiles where tenant_id = ${tenant}`;
    await sql`delete from scheduler.ttfs_release_first_seen where tenant_id = ${tenant}`;
    await sql`select scheduler.ttfs_rollup_rebuild(now() - interval '8 days', now() + interval '1 hour')`;
    await sql`delete from console.users where id = ${userId}`;
    await sql`delete from console.tenants where id = ${tenant}`;
    await sql.end();
    await server.stop();
  }
}
