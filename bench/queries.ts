// `npm run bench -- queries [--events N]`: loads N synthetic events (7 days, 3
// tenants, 3 surfaces) into a scratch database on the app's PostgreSQL, then
// times each schema view as written (schema `seed`) and ours (rollups), and
// checks our percentiles against percentile_cont over the same rows.
import { parseArgs, printTable } from './_args';
import { benchDatabase, scratchDatabase, seedViewDefinitions, timeMs } from './_db';

const TENANTS = [
  '11111111-1111-4111-8111-111111111111',
  '22222222-2222-4222-8222-222222222222',
  '33333333-3333-4333-8333-333333333333',
];

export default async function queries(args: string[]) {
  const options = parseArgs(args);
  const events = Number(options.events ?? 1_000_000);
  const server = await benchDatabase();
  const scratch = await scratchDatabase(server.url);
  const { sql } = scratch;
  try {
    await sql.unsafe(seedViewDefinitions()).simple();
    const loadStarted = performance.now();
    const chunk = 1_000_000;
    for (let done = 0; done < events; done += chunk) {
      const n = Math.min(chunk, events - done);
      await sql`
        insert into scheduler.ttfs_events (ts, tenant_id, job_id, surface, event_type, ttfs_ms, cache_hit)
        select now() - random() * interval '7 days',
          (${TENANTS}::uuid[])[1 + (g % 3)], gen_random_uuid(), (array['ui','cli','ci'])[1 + ((g / 3) % 3)],
          (array['signal.rendered','signal.rendered','signal.rendered','signal.rendered','signal.start','signal.timeout','signal.error','signal.cache_hit'])[1 + (g % 8)],
          greatest(1, exp(case when random() < 0.7 then ln(700) else ln(2100) end + 0.6 * sqrt(-2 * ln(greatest(random(), 1e-12))) * cos(2 * pi() * random())))::int,
          random() < 0.7
        from generate_series(1, ${n}::int) g`;
      process.stderr.write(`loaded ${done + n} events\n`);
    }
    const loadMs = performance.now() - loadStarted;
    const foldStarted = performance.now();
    await sql`select scheduler.ttfs_rollup_fold()`;
    const foldMs = performance.now() - foldStarted;
    await sql`analyze`;

    const cases: { name: string; where: string }[] = [
      { name: 'ttfs_hourly_summary', where: '' },
      { name: 'ttfs_hourly_summary', where: `where surface = 'ui'` },
      { name: 'ttfs_daily_summary', where: '' },
      { name: 'ttfs_daily_summary', where: `where tenant_id = '${TENANTS[0]}'` },
      { name: 'ttfs_daily_summary', where: `where surface = 'cli'` },
      { name: 'ttfs_slo_breaches', where: '' },
      { name: 'ttfs_slo_breaches', where: `where tenant_id = '${TENANTS[1]}'` },
      { name: 'ttfs_slo_breaches', where: `where surface = 'ci'` },
    ];
    const rows: Record<string, string | number>[] = [];
    const seedMs: Record<string, number> = {};
    const oursMs: Record<string, number> = {};
    let speedupMin = Infinity;
    for (const c of cases) {
      const key = `${c.name.replace('ttfs_', '')}${c.where ? ` ${c.where.replace(/^where /, '').replace(/'([0-9a-f]{8})[^']*'/, "'$1…'")}` : ''}`;
      const seed = await timeMs(() => sql.unsafe(`select * from seed.${c.name} ${c.where}`), 3);
      const ours = await timeMs(() => sql.unsafe(`select * from scheduler.${c.name} ${c.where}`), 7);
      seedMs[key] = seed;
      oursMs[key] = ours;
      speedupMin = Math.min(speedupMin, seed / ours);
      rows.push({ view: key, seed_ms: seed, ours_ms: ours, speedup: `${(seed / ours).toFixed(1)}x` });
    }

    // Accuracy: our views vs percentile_cont over the same (measurement) rows.
    const [hourly] = await sql<[{ e: number; exact: boolean }]>`
      with ref as (
        select date_trunc('hour', ts) as hour, surface, cache_hit, count(*) as n,
          percentile_cont(0.5) within group (order by ttfs_ms) as p50, percentile_cont(0.95) within group (order by ttfs_ms) as p95,
          percentile_cont(0.99) within group (order by ttfs_ms) as p99, count(*) filter (where ttfs_ms > 2000) as o2
        from scheduler.ttfs_events where event_type <> 'signal.start' and ts >= date_trunc('hour', now() - interval '7 days') group by 1, 2, 3)
      select max(greatest(abs(o.p50_ms - r.p50) / r.p50, abs(o.p95_ms - r.p95) / r.p95, abs(o.p99_ms - r.p99) / r.p99))::float8 as e,
        bool_and(o.event_count = r.n and o.over_p50_slo = r.o2) as exact
      from ref r join scheduler.ttfs_hourly_summary o using (hour, surface, cache_hit)`;
    const [daily] = await sql<[{ e: number; exact: boolean }]>`
      with ref as (
        select date_trunc('day', ts) as day, tenant_id, surface, count(*) as n,
          percentile_cont(0.5) within group (order by ttfs_ms) as p50, percentile_cont(0.95) within group (order by ttfs_ms) as p95
        from scheduler.ttfs_events where event_type <> 'signal.start' group by 1, 2, 3)
      select max(greatest(abs(o.p50_ms - r.p50) / r.p50, abs(o.p95_ms - r.p95) / r.p95))::float8 as e, bool_and(o.event_count = r.n) as exact
      from ref r join scheduler.ttfs_daily_summary o using (day, tenant_id, surface)`;
    const maxRelError = Math.max(hourly.e, daily.e);

    console.log(
      `\nqueries bench: ${events.toLocaleString('en')} events, load ${(loadMs / 1000).toFixed(1)} s (${Math.round(events / (loadMs / 1000)).toLocaleString('en')} rows/s through the rollup trigger), first fold ${(foldMs / 1000).toFixed(1)} s\n`,
    );
    printTable(rows);
    console.log(
      `\nmax relative percentile error vs percentile_cont: ${(maxRelError * 100).toFixed(3)}%; counts exact: ${hourly.exact && daily.exact}`,
    );
    console.log(
      JSON.stringify({
        bench: 'queries',
        events,
        seed_ms: seedMs,
        ours_ms: oursMs,
        speedup_min: Math.round(speedupMin * 10) / 10,
        max_rel_error: Math.round(maxRelError * 1e5) / 1e5,
        counts_exact: hourly.exact && daily.exact,
      }),
    );
  } finally {
    await scratch.drop();
    await server.stop();
  }
}
