// `npm run bench -- match [--signatures N] [--lookups L]`: N failure signatures
// in one tenant (scratch database on the app's PostgreSQL), L random failure
// lookups through scheduler.match_failure_signature as written in the schema
// (installed as seed.match_failure_signature) and as migrated (ours), the two
// alternating lookup by lookup.
import { randomUUID } from 'node:crypto';
import { parseArgs, percentile, printTable } from './_args';
import { benchDatabase, scratchDatabase, seedSchemaSql } from './_db';

function seedMatchFunction(): string {
  const body =
    /CREATE OR REPLACE FUNCTION scheduler\.match_failure_signature[\s\S]*?\$\$ LANGUAGE plpgsql;/.exec(
      seedSchemaSql(),
    )![0];
  return `create schema if not exists seed;\n${body.replace('scheduler.match_failure_signature', 'seed.match_failure_signature')}`;
}

export default async function match(args: string[]) {
  const options = parseArgs(args);
  const signatures = Number(options.signatures ?? 10_000);
  const lookups = Number(options.lookups ?? 2_000);
  const server = await benchDatabase();
  const scratch = await scratchDatabase(server.url);
  const { sql } = scratch;
  try {
    await sql.unsafe(seedMatchFunction()).simple();
    const tenant = randomUUID();
    const phases = ['resolve', 'fetch', 'restore', 'analyze', 'policy', 'report'];
    // A realistic spread: most signatures name an error code, some add an image regex, a few are phase-only.
    await sql`
      insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome, confidence, sample_count, enabled)
      select ${tenant}, md5(g::text), jsonb_strip_nulls(jsonb_build_object(
          'phase', (${phases}::text[])[1 + g % 6],
          'error_code', case when g % 20 = 0 then null else 'E' || (g % 2000) end,
          'image_pattern', case when g % 5 = 0 then '^registry' || (g % 50) || '\\.example/' else null end)),
        jsonb_build_object('likely_cause', 'cause ' || g), round((random())::numeric, 3), g % 100, g % 10 <> 0
      from generate_series(1, ${signatures}::int) g`;
    await sql`analyze scheduler.failure_signatures`;
    const queries = Array.from({ length: lookups }, (_, i) => ({
      phase: phases[i % 6]!,
      code: i % 7 === 0 ? 'E_UNKNOWN' : `E${Math.floor(Math.random() * 2000)}`,
      image: `registry${i % 60}.example/app:v${i}`,
    }));
    interface Contender {
      fn: string;
      label: string;
      times: number[];
      hits: number;
      ids: string[];
      inDatabaseUs: number;
    }
    const contender = (fn: string, label: string): Contender => ({
      fn,
      label,
      times: [],
      hits: 0,
      ids: [],
      inDatabaseUs: Infinity,
    });
    const seed = contender('seed.match_failure_signature', 'as written (seed)');
    const ours = contender('scheduler.match_failure_signature', 'ours');
    const once = async (c: Contender, q: (typeof queries)[number], record = true) => {
      const started = performance.now();
      // Prepared, as application callers run it (postgres.js prepares its queries).
      const rows = await sql.unsafe(
        `select * from ${c.fn}($1, $2, $3, $4)`,
        [tenant, q.phase, q.code, q.image],
        { prepare: true },
      );
      if (!record) return;
      c.times.push(performance.now() - started);
      c.hits += rows.length;
      c.ids.push(String(rows[0]?.signature_id ?? '-'));
    };
    for (const q of queries) for (const c of [ours, seed]) await once(c, q, false); // warm-up
    // Alternating, lookup by lookup and in turn first: a hiccup of the machine
    // (these are sub-millisecond round trips) lands on both functions alike.
    for (const [i, q] of queries.entries())
      for (const c of i % 2 ? [ours, seed] : [seed, ours]) await once(c, q);
    for (const c of [seed, ours]) c.times.sort((a, b) => a - b);
    // The functions' own cost, without a round trip per call: all lookups in one
    // statement (as the snapshot queries call it, once per failed row), five
    // times each, alternating; the best of five per function.
    const columns = [
      queries.map((q) => q.phase),
      queries.map((q) => q.code),
      queries.map((q) => q.image),
      tenant,
    ];
    for (let round = 0; round < 5; round++) {
      for (const c of [seed, ours]) {
        const started = performance.now();
        await sql.unsafe(
          `select count(m.*) from unnest($1::text[], $2::text[], $3::text[]) as q(phase, code, image) cross join lateral ${c.fn}($4, q.phase, q.code, q.image) m`,
          columns,
        );
        c.inDatabaseUs = Math.min(c.inDatabaseUs, ((performance.now() - started) * 1000) / queries.length);
      }
    }
    const p = (c: Contender, q: number) => percentile(c.times, q);
    console.log(
      `\nmatch bench: ${signatures.toLocaleString('en')} signatures in one tenant, ${lookups} lookups\n`,
    );
    printTable(
      [seed, ours].map((c) => ({
        function: c.label,
        lookups,
        matched: c.hits,
        p50_ms: p(c, 0.5).toFixed(3),
        p99_ms: p(c, 0.99).toFixed(3),
        in_database_us_per_call: c.inDatabaseUs.toFixed(1),
      })),
    );
    const same = seed.ids.every((id, i) => id === ours.ids[i]);
    if (!same) console.log('\nWARNING: the two functions chose different signatures for some lookups');
    console.log(
      JSON.stringify({
        bench: 'match',
        signatures,
        lookups,
        p99_ms: +p(ours, 0.99).toFixed(3),
        seed_p99_ms: +p(seed, 0.99).toFixed(3),
        ratio: +(p(seed, 0.99) / p(ours, 0.99)).toFixed(1),
        p50_ms: +p(ours, 0.5).toFixed(3),
        seed_p50_ms: +p(seed, 0.5).toFixed(3),
        p50_ratio: +(p(seed, 0.5) / p(ours, 0.5)).toFixed(1),
        in_database_us: +ours.inDatabaseUs.toFixed(1),
        seed_in_database_us: +seed.inDatabaseUs.toFixed(1),
        in_database_ratio: +(seed.inDatabaseUs / ours.inDatabaseUs).toFixed(1),
        same_results: same,
      }),
    );
  } finally {
    await scratch.drop();
    await server.stop();
  }
}
