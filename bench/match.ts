// `npm run bench -- match [--signatures N] [--lookups L]`: N failure signatures
// in one tenant (scratch database on the app's PostgreSQL), L random failure
// lookups through scheduler.match_failure_signature as written in the schema
// (installed as seed.match_failure_signature) and as migrated (ours), the two
// alternating lookup by lookup.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../db/connect';
import { parseArgs, percentile, printTable } from './_args';
import { benchDatabase, scratchDatabase } from './_db';

function seedMatchFunction(): string {
  const schema = readFileSync(path.join(PROJECT_ROOT, 'db/migrations/0001_ttfs_schema.sql'), 'utf8');
  const body = /CREATE OR REPLACE FUNCTION scheduler\.match_failure_signature[\s\S]*?\$\$ LANGUAGE plpgsql;/.exec(schema)![0];
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
    type Result = { times: number[]; hits: number; ids: string[] };
    const once = async (fn: string, q: (typeof queries)[number], into: Result) => {
      const started = performance.now();
      // Prepared, as application callers run it (postgres.js prepares its queries).
      const rows = await sql.unsafe(`select * from ${fn}($1, $2, $3, $4)`, [tenant, q.phase, q.code, q.image], { prepare: true });
      into.times.push(performance.now() - started);
      into.hits += rows.length;
      into.ids.push(String(rows[0]?.signature_id ?? '-'));
    };
    const fresh = (): Result => ({ times: [], hits: 0, ids: [] });
    const warm = fresh();
    for (const q of queries) {
      await once('scheduler.match_failure_signature', q, warm);
      await once('seed.match_failure_signature', q, warm);
    }
    // Alternating, lookup by lookup: a hiccup of the machine (these are
    // sub-millisecond round trips) lands on both functions alike.
    const seed = fresh();
    const ours = fresh();
    for (const [i, q] of queries.entries()) {
      if (i % 2 === 0) {
        await once('seed.match_failure_signature', q, seed);
        await once('scheduler.match_failure_signature', q, ours);
      } else {
        await once('scheduler.match_failure_signature', q, ours);
        await once('seed.match_failure_signature', q, seed);
      }
    }
    seed.times.sort((a, b) => a - b);
    ours.times.sort((a, b) => a - b);
    // The functions' own cost, without a round trip per call: all lookups in one
    // statement (as the snapshot queries call it, once per failed row), five
    // times each, alternating; the best of five per function.
    const inDatabase = async (fn: string) => {
      const started = performance.now();
      await sql.unsafe(
        `select count(m.*) from unnest($1::text[], $2::text[], $3::text[]) as q(phase, code, image) cross join lateral ${fn}($4, q.phase, q.code, q.image) m`,
        [queries.map((q) => q.phase), queries.map((q) => q.code), queries.map((q) => q.image), tenant],
      );
      return ((performance.now() - started) * 1000) / queries.length;
    };
    const batchSeed: number[] = [];
    const batchOurs: number[] = [];
    for (let i = 0; i < 5; i++) {
      batchSeed.push(await inDatabase('seed.match_failure_signature'));
      batchOurs.push(await inDatabase('scheduler.match_failure_signature'));
    }
    const seedUs = Math.min(...batchSeed);
    const oursUs = Math.min(...batchOurs);
    const row = (name: string, r: { times: number[]; hits: number }) => ({ function: name, lookups, matched: r.hits, p50_ms: percentile(r.times, 0.5).toFixed(3), p99_ms: percentile(r.times, 0.99).toFixed(3) });
    console.log(`\nmatch bench: ${signatures.toLocaleString('en')} signatures in one tenant, ${lookups} lookups\n`);
    printTable([
      { ...row('as written (seed)', seed), in_database_us_per_call: seedUs.toFixed(1) },
      { ...row('ours', ours), in_database_us_per_call: oursUs.toFixed(1) },
    ]);
    const same = seed.ids.every((id, i) => id === ours.ids[i]);
    if (!same) console.log('\nWARNING: the two functions chose different signatures for some lookups');
    console.log(JSON.stringify({ bench: 'match', signatures, lookups, p99_ms: +percentile(ours.times, 0.99).toFixed(3), seed_p99_ms: +percentile(seed.times, 0.99).toFixed(3), ratio: +(percentile(seed.times, 0.99) / percentile(ours.times, 0.99)).toFixed(1), p50_ms: +percentile(ours.times, 0.5).toFixed(3), seed_p50_ms: +percentile(seed.times, 0.5).toFixed(3), p50_ratio: +(percentile(seed.times, 0.5) / percentile(ours.times, 0.5)).toFixed(1), in_database_us: +oursUs.toFixed(1), seed_in_database_us: +seedUs.toFixed(1), in_database_ratio: +(seedUs / oursUs).toFixed(1), same_results: same }));
  } finally {
    await scratch.drop();
    await server.stop();
  }
}
