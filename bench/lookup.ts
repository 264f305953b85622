// `npm run bench -- lookup [--url U] [--snapshots N] [--clients C] [--seconds S] [--revalidate R] [--rate Q]`:
// job signal lookups against a running console: N snapshots, C concurrent
// clients, a share R (default half) of the requests revalidating with
// If-None-Match (304) a job the run already fetched. First a closed loop (each
// client sends its next request when the answer arrives: the target's measure),
// then an open loop at Q requests/s (default 2,000; 0 skips it): latency at a
// given load rather than at saturation. The closed loop is also reported by
// status: 304s are answered from the cache, 200s are mostly the run's first
// read of a job (a cache miss that goes to PostgreSQL).
// The baseline is the same lookup as one SQL query on the same database.
import postgres from 'postgres';
import { parseArgs, percentile, printTable } from './_args';
import { benchDatabase } from './_db';
import { runClients } from './_lookup-clients';
import { benchTenant } from './_token';

export default async function lookup(args: string[]) {
  const options = parseArgs(args);
  const base = (options.url ?? 'http://localhost:3000').replace(/\/$/, '');
  const snapshots = Number(options.snapshots ?? 100_000);
  const clients = Number(options.clients ?? 50);
  const seconds = Number(options.seconds ?? 10);
  const revalidateShare = Number(options.revalidate ?? 0.5);
  const rate = Number(options.rate ?? 2000);
  const server = await benchDatabase();
  const sql = postgres(server.url, { max: 10, onnotice: () => {} });
  const bench = await benchTenant(sql, ['signals:read'], 'lookup bench');
  try {
    const ids = (
      await sql<{ job_id: string }[]>`
      insert into scheduler.first_signal_snapshots (job_id, tenant_id, kind, phase, summary, eta_seconds, next_actions, diagnostics)
      select gen_random_uuid(), ${bench.tenant}, (array['queued','phase','failed','succeeded'])[1 + g % 4], (array['resolve','fetch','analyze','report'])[1 + g % 4],
        'Bench job ' || g, g % 600, '[{"label":"View run","href":"/runs/x"}]'::jsonb, jsonb_build_object('queue_position', g % 10)
      from generate_series(1, ${snapshots}::int) g
      returning job_id`
    ).map((r) => r.job_id);
    await sql`analyze scheduler.first_signal_snapshots`;

    const {
      statuses,
      closed: http,
      ok,
      notModified,
      open: openLoop,
    } = await runClients({ base, token: bench.token, ids, clients, seconds, revalidateShare, rate });
    const sqlTimes: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const id = ids[Math.floor(Math.random() * ids.length)]!;
      const started = performance.now();
      await sql`select * from scheduler.first_signal_snapshots where job_id = ${id}`;
      sqlTimes.push(performance.now() - started);
    }
    sqlTimes.sort((a, b) => a - b);
    const row = (name: string, t: ArrayLike<number>, n: number) => ({
      path: name,
      requests: n,
      p50_ms: percentile(t, 0.5).toFixed(2),
      p95_ms: percentile(t, 0.95).toFixed(2),
      p99_ms: percentile(t, 0.99).toFixed(2),
    });
    console.log(
      `\nlookup bench against ${base}: ${snapshots.toLocaleString('en')} snapshots, ${clients} clients, ${seconds} s; statuses ${JSON.stringify(statuses)}\n`,
    );
    printTable([
      row(
        `GET /api/v1/jobs/{id}/signal, closed loop (${Math.round(http.length / seconds)}/s)`,
        http,
        http.length,
      ),
      row('  of which 200', ok, ok.length),
      row('  of which 304', notModified, notModified.length),
      ...(rate > 0
        ? [row(`GET /api/v1/jobs/{id}/signal, open loop at ${rate}/s`, openLoop, openLoop.length)]
        : []),
      row('SQL primary-key lookup (1 client)', sqlTimes, sqlTimes.length),
    ]);
    console.log(
      JSON.stringify({
        bench: 'lookup',
        snapshots,
        clients,
        requests: http.length,
        rps: Math.round(http.length / seconds),
        statuses,
        p50_ms: +percentile(http, 0.5).toFixed(2),
        p99_ms: +percentile(http, 0.99).toFixed(2),
        p99_ms_200: +percentile(ok, 0.99).toFixed(2),
        p99_ms_304: +percentile(notModified, 0.99).toFixed(2),
        sql_p99_ms: +percentile(sqlTimes, 0.99).toFixed(3),
        ...(rate > 0
          ? {
              open_loop: {
                rate,
                requests: openLoop.length,
                p50_ms: +percentile(openLoop, 0.5).toFixed(2),
                p99_ms: +percentile(openLoop, 0.99).toFixed(2),
              },
            }
          : {}),
      }),
    );
  } finally {
    await bench.remove();
    await sql.end();
    await server.stop();
  }
}
