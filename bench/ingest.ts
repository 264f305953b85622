// `npm run bench -- ingest [--seconds S] [--url U] [--concurrency C] [--warmup W]`:
// drives the running console's HTTP ingest with concurrent batches of 500 and, in
// the same run, the schema's one-call-per-event scheduler.record_ttfs_event path;
// then verifies every acknowledged event is stored exactly once, and cleans up.
// The first W seconds (default 3) of HTTP load warm the server up (V8 compiles
// the hot path, PostgreSQL caches the indexes' upper pages) and are not timed;
// their events are verified like the others.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { parseArgs, printTable } from './_args';
import { benchDatabase } from './_db';
import { cpuSecondsBetween, processCpu } from './_cpu';
import { BenchConnection } from './_http';
import { benchTenant } from './_token';

const BATCH = 500;

function event(tenant: string, i: number) {
  return {
    schema_version: 'v1.0',
    event_id: randomUUID(),
    tenant_id: tenant,
    job_id: randomUUID(),
    surface: i % 3 === 0 ? 'ui' : i % 3 === 1 ? 'cli' : 'ci',
    event_type: i % 10 === 0 ? 'signal.start' : 'signal.rendered',
    ttfs_ms: 200 + ((i * 7919) % 4000),
    cache_hit: i % 4 !== 0,
    signal_source: 'snapshot',
  };
}

export default async function ingest(args: string[]) {
  const options = parseArgs(args);
  const seconds = Number(options.seconds ?? 10);
  const base = (options.url ?? 'http://localhost:3000').replace(/\/$/, '');
  const concurrency = Number(options.concurrency ?? 8);
  const warmup = Number(options.warmup ?? 3);
  const server = await benchDatabase();
  const sql = postgres(server.url, { max: concurrency + 2, onnotice: () => {} });
  const bench = await benchTenant(sql, ['telemetry:write'], 'Ingest bench');
  const { tenant, token } = bench;
  try {
    // HTTP batches. Bodies are built before the clock starts (JSON for ~80,000
    // events/s of the run): the generator shares the machine with the server,
    // and building JSON is the client's work, not the server's.
    let i = 0;
    const bodies: { ids: string[]; body: Buffer }[] = [];
    const prepared = Math.ceil(((seconds + warmup) * 80_000) / BATCH);
    for (let b = 0; b < prepared; b++) {
      const batch = Array.from({ length: BATCH }, () => event(tenant, i++));
      bodies.push({ ids: batch.map((e) => e.event_id), body: Buffer.from(JSON.stringify(batch)) });
    }
    const nextBody = () => {
      const ready = bodies.pop();
      if (ready) return ready;
      const batch = Array.from({ length: BATCH }, () => event(tenant, i++));
      return { ids: batch.map((e) => e.event_id), body: Buffer.from(JSON.stringify(batch)) };
    };
    const acknowledged: string[] = [];
    let requests = 0;
    let failures = 0;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    /** Concurrent clients sending batches until `deadline`; returns the events acknowledged meanwhile. */
    const load = async (deadline: number) => {
      let events = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          const connection = new BenchConnection(new URL(base));
          while (performance.now() < deadline) {
            const { ids, body } = nextBody();
            const response = await connection.request('POST', '/api/v1/telemetry/ttfs', headers, body);
            requests++;
            if (
              response.status === 202 &&
              (JSON.parse(response.body.toString()) as { accepted: number }).accepted === BATCH
            ) {
              acknowledged.push(...ids);
              events += ids.length;
            } else failures++;
          }
          connection.close();
        }),
      );
      return events;
    };
    if (warmup > 0) await load(performance.now() + warmup * 1000);
    const warmupRequests = requests;
    const pgBefore = processCpu();
    const httpStarted = performance.now();
    const timedEvents = await load(httpStarted + seconds * 1000);
    const httpSeconds = (performance.now() - httpStarted) / 1000;
    const pgSeconds = cpuSecondsBetween(pgBefore, processCpu());

    // The schema's path: one record_ttfs_event call per event, same concurrency.
    let seedEvents = 0;
    const seedStarted = performance.now();
    const seedDeadline = seedStarted + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < seedDeadline) {
          const e = event(tenant, i++);
          await sql`select scheduler.record_ttfs_event(${tenant}, ${e.job_id}, ${e.surface}, ${e.event_type}, ${e.ttfs_ms}, ${e.cache_hit}, 'snapshot')`;
          seedEvents++;
        }
      }),
    );
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    // Exactly once: every acknowledged id stored, none twice.
    const [stored] = await sql<[{ rows: number; ids: number }]>`
      select count(*)::int as rows, count(distinct event_id)::int as ids
      from scheduler.ttfs_events where tenant_id = ${tenant} and event_id = any(${acknowledged}::uuid[])`;
    const lost = acknowledged.length - stored.ids;
    const duplicated = stored.rows - stored.ids;

    const eventsPerS = Math.round(timedEvents / httpSeconds);
    const seedPerS = Math.round(seedEvents / seedSeconds);
    console.log(
      `\ningest bench against ${base}: ${seconds} s per path (after ${warmup} s of HTTP warm-up), ${concurrency} concurrent clients\n`,
    );
    printTable([
      {
        path: `HTTP batches of ${BATCH}`,
        events: timedEvents,
        seconds: httpSeconds.toFixed(1),
        events_per_s: eventsPerS,
        failed_requests: failures,
        requests: requests - warmupRequests,
      },
      {
        path: 'record_ttfs_event per event',
        events: seedEvents,
        seconds: seedSeconds.toFixed(1),
        events_per_s: seedPerS,
        failed_requests: 0,
        requests: seedEvents,
      },
    ]);
    console.log(
      `\nverified: ${stored.ids} of ${acknowledged.length} acknowledged events stored, ${duplicated} duplicated`,
    );
    // PostgreSQL's CPU during the HTTP phase, when it runs on this machine.
    const pgCores = pgSeconds === null ? null : Math.round((pgSeconds / httpSeconds) * 100) / 100;
    const pgUsPerEvent =
      pgSeconds === null || !timedEvents ? null : Math.round(((pgSeconds * 1e6) / timedEvents) * 10) / 10;
    if (pgCores !== null)
      console.log(
        `PostgreSQL used ${pgCores} cores during the HTTP phase: ${pgUsPerEvent} us of CPU per event`,
      );
    console.log(
      JSON.stringify({
        bench: 'ingest',
        seconds,
        warmup_s: warmup,
        events_per_s: eventsPerS,
        seed_events_per_s: seedPerS,
        ratio: Math.round((eventsPerS / seedPerS) * 10) / 10,
        lost,
        duplicated,
        failed_requests: failures,
        pg_cores: pgCores,
        pg_cpu_us_per_event: pgUsPerEvent,
      }),
    );
  } finally {
    // Remove the bench's rows and let the rollups forget them.
    const [span] = await sql<
      [{ from: Date | null; to: Date | null }]
    >`select min(ts) as from, max(ts) as to from scheduler.ttfs_events where tenant_id = ${tenant}`;
    await sql`delete from scheduler.ttfs_events where tenant_id = ${tenant}`;
    if (span.from && span.to)
      await sql`select scheduler.ttfs_rollup_rebuild(${span.from}, ${new Date(span.to.getTime() + 3600_000)})`;
    await bench.remove();
    // Hundreds of thousands of dead rows would slow the next run's inserts (and the app's).
    await sql`vacuum scheduler.ttfs_events`;
    await sql.end();
    await server.stop();
  }
}
