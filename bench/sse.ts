// `npm run bench -- sse [--url U] [--streams N] [--upserts M]`: opens N SSE
// streams on one console instance (one per job), upserts M random jobs through
// scheduler.upsert_first_signal_snapshot (a job again only once its last update
// arrived), and measures the delay from the
// upsert's commit to the client's receipt. Also reports the database's LISTEN
// connections of the console and the server's memory per open stream.
import { randomUUID } from 'node:crypto';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import postgres from 'postgres';
import { parseArgs, percentile, printTable } from './_args';
import { benchDatabase } from './_db';
import { testSession } from '../tests/helpers/auth';
import { benchTenant } from './_token';

/** An upsert a stream waits for: its marker in the summary, and when it was sent and committed (ms). */
interface Update {
  marker: string;
  called: number;
  committed?: number;
}

/** Steps the second half of the streams is opened in, for the memory per stream. */
const STEPS = 5;

interface Health {
  process?: { rssBytes: number; sse: { openStreams: number; listenConnections: number } };
}

export default async function sse(args: string[]) {
  const options = parseArgs(args);
  const base = (options.url ?? 'http://localhost:3000').replace(/\/$/, '');
  const streams = Number(options.streams ?? 1000);
  const upserts = Number(options.upserts ?? 500);
  const server = await benchDatabase();
  const sql = postgres(server.url, { max: 4, onnotice: () => {} });
  const bench = await benchTenant(sql, ['signals:read'], 'sse bench');
  const controllers: AbortController[] = [];
  let adminId: string | undefined;
  try {
    const jobs = Array.from({ length: streams }, () => randomUUID());
    await sql`insert into scheduler.first_signal_snapshots (job_id, tenant_id, kind, phase, summary)
      select unnest(${jobs}::uuid[]), ${bench.tenant}, 'queued', 'unknown', 'bench'`;
    // The process details of /api/health are for admins only.
    const admin = await testSession(sql, { role: 'admin', name: 'sse bench' });
    adminId = admin.id;
    const health = async () =>
      ((await (await fetch(`${base}/api/health`, { headers: admin.headers })).json()) as Health).process;

    // The update each job's stream waits for, at most one per job: a job is
    // updated again only after its last update arrived (the relay sends a job's
    // latest state, so a second update within one flush would replace the first).
    // Timed from the upsert's commit (its reply), or from the call when the
    // update arrives before the reply is read.
    const outstanding = new Map<string, Update>();
    const latencies: number[] = [];
    let ready = 0;
    const open = (some: string[]) =>
      Promise.all(
        some.map(async (job) => {
          const controller = new AbortController();
          controllers.push(controller);
          const response = await fetch(`${base}/api/v1/stream/signals?jobId=${job}`, {
            headers: { authorization: `Bearer ${bench.token}` },
            signal: controller.signal,
          });
          const frames = response
            .body!.pipeThrough(new TextDecoderStream())
            .pipeThrough(new EventSourceParserStream())
            .getReader();
          void (async () => {
            try {
              for (;;) {
                const { done, value } = await frames.read();
                if (done) break;
                if (value.event === 'ready') ready++;
                const marker = /"summary":"bench (\S+?)"/.exec(value.data)?.[1];
                const update = outstanding.get(job);
                if (marker && update?.marker === marker) {
                  latencies.push(performance.now() - (update.committed ?? update.called));
                  outstanding.delete(job);
                }
              }
            } catch {
              // aborted at the end
            }
          })();
        }),
      );
    // Memory per stream is measured on the second half: the first half also pays
    // for one-off growth (heap spaces, buffers) that more streams do not repeat.
    // It is opened in STEPS steps and the median step counts: RSS moves in jumps
    // when V8 commits young-generation pages (tens of MB at once), which land in
    // one step or another and would swamp a single before/after difference.
    const half = Math.floor(streams / 2);
    await open(jobs.slice(0, half));
    while (ready < half) await new Promise((r) => setTimeout(r, 50));
    const steps = Math.max(1, Math.min(STEPS, streams - half));
    const perStep: number[] = [];
    let opened = half;
    let before = await health();
    for (let step = 1; step <= steps; step++) {
      const upTo = half + Math.round(((streams - half) * step) / steps);
      await open(jobs.slice(opened, upTo));
      while (ready < upTo) await new Promise((r) => setTimeout(r, 50));
      const after = await health();
      if (before && after) perStep.push((after.rssBytes - before.rssBytes) / (upTo - opened));
      opened = upTo;
      before = after;
    }
    const during = before;
    const listeners = await sql<
      [{ n: number }]
    >`select count(*)::int as n from pg_stat_activity where application_name = 'ttfs-console-listener'`;

    const idleJob = async (): Promise<string> => {
      for (;;) {
        for (let tries = 0; tries < 50; tries++) {
          const job = jobs[Math.floor(Math.random() * jobs.length)]!;
          if (!outstanding.has(job)) return job;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    for (let i = 0; i < upserts; i++) {
      const job = await idleJob();
      const update: Update = { marker: `${i}-${randomUUID().slice(0, 8)}`, called: performance.now() };
      outstanding.set(job, update);
      await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${bench.tenant}, null, 'phase', 'analyze', ${`bench ${update.marker}`})`;
      update.committed = performance.now(); // the upsert has committed when the call returns
      await new Promise((r) => setTimeout(r, 10));
    }
    const waitUntil = performance.now() + 5000;
    while (outstanding.size > 0 && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 20));
    latencies.sort((a, b) => a - b);
    const stepsKiB = perStep.map((x) => (x / 1024).toFixed(1)).join(' / ');
    perStep.sort((a, b) => a - b);
    const perStreamKiB = perStep.length ? Math.round(percentile(perStep, 0.5) / 102.4) / 10 : null;

    console.log(`\nSSE bench against ${base}: ${streams} open streams, ${upserts} upserts\n`);
    printTable([
      {
        delivered: latencies.length,
        lost: outstanding.size,
        p50_ms: percentile(latencies, 0.5).toFixed(1),
        p95_ms: percentile(latencies, 0.95).toFixed(1),
        p99_ms: percentile(latencies, 0.99).toFixed(1),
        max_ms: (latencies.at(-1) ?? NaN).toFixed(1),
      },
    ]);
    console.log(
      `\nserver: ${during?.sse.openStreams} open streams, RSS +${perStreamKiB} KiB per stream (median of ${stepsKiB}); LISTEN connections in the database: ${listeners[0].n}`,
    );
    console.log(
      JSON.stringify({
        bench: 'sse',
        streams,
        upserts,
        delivered: latencies.length,
        lost: outstanding.size,
        p50_ms: +percentile(latencies, 0.5).toFixed(1),
        p99_ms: +percentile(latencies, 0.99).toFixed(1),
        listen_connections: listeners[0].n,
        rss_kib_per_stream: perStreamKiB,
      }),
    );
  } finally {
    for (const c of controllers) c.abort();
    if (adminId) await sql`delete from console.users where id = ${adminId}`;
    await bench.remove();
    await sql.end();
    await server.stop();
  }
}
