import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';

/**
 * A bench tenant for page benches: a tenant, a signed-in person (all tenants,
 * the given role) with a session cookie, and `load(n)` to add n telemetry
 * events over the last 7 days, as ingest writes them (in time order), folded
 * into the rollups and vacuumed. `remove()` deletes all of it and rebuilds the
 * rollups of the window it touched.
 */
export async function pageBenchTenant(sql: Sql, role: 'viewer' | 'admin', name: string) {
  const tenant = randomUUID();
  const slug = `bench-${tenant.slice(0, 8)}`;
  const session = randomBytes(30).toString('base64url');
  await sql`insert into console.tenants (id, slug, name) values (${tenant}, ${slug}, ${name})`;
  const [user] = await sql<[{ id: string }]>`
    insert into console.users (username, display_name, role, all_tenants)
    values (${slug}, 'Bench SRE', ${role}, true) returning id`;
  await sql`insert into console.sessions (id_hash, user_id, expires_at)
    values (${createHash('sha256').update(session).digest('hex')}, ${user.id}, now() + interval '1 hour')`;
  let loaded = 0;
  return {
    tenant,
    slug,
    session,
    cookie: `ttfs_session=${session}`,
    get loaded() {
      return loaded;
    },
    /** Loads events up to `size` in all (1M per statement), then folds and vacuums. */
    async loadUpTo(size: number) {
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
      // Measure the steady state: a real table grows over days while autovacuum keeps
      // it and the rollups vacuumed and analyzed. Right after a bulk load of millions
      // of rows, autovacuum and stale planner statistics would be timed instead
      // (dashboard renders during that minute took up to ~2x longer).
      await sql`vacuum (analyze) scheduler.ttfs_events, scheduler.ttfs_rollup_cells, scheduler.ttfs_rollup_buckets,
        scheduler.ttfs_rollup_cells_daily, scheduler.ttfs_rollup_buckets_daily, scheduler.ttfs_rollup_quantiles,
        scheduler.ttfs_summary_hourly, scheduler.ttfs_summary_daily`;
    },
    async remove() {
      for (const table of [
        'ttfs_events',
        'ttfs_rollup_cells',
        'ttfs_rollup_buckets',
        'ttfs_rollup_cells_delta',
        'ttfs_rollup_histogram_delta',
        'ttfs_summary_daily',
        'ttfs_rollup_cells_daily',
        'ttfs_rollup_buckets_daily',
        'ttfs_rollup_quantiles',
        'ttfs_release_first_seen',
      ])
        await sql`delete from ${sql('scheduler.' + table)} where tenant_id = ${tenant}`;
      await sql`select scheduler.ttfs_rollup_rebuild(now() - interval '8 days', now() + interval '1 hour')`;
      await sql`delete from console.users where username = ${slug}`;
      await sql`delete from console.tenants where id = ${tenant}`;
    },
  };
}
