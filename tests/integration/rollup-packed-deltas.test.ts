import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../db/migrate';
import { applyPreBaseline } from '../helpers/schema';

// Pre-baseline migration 0070 (tests/fixtures/pre-baseline-migrations) packed the histogram deltas (one row per cell and statement,
// buckets and counts as arrays) behind a view with the old table's name. Here:
// a database with per-bucket deltas pending in the old layout takes the
// migration and reads, folds and rebuilds exactly as before.

const admin = postgres(inject('serverUrl'), { max: 1, onnotice: () => {} });
const name = `ttfs_packed_${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

async function insertEvents(sql: postgres.Sql, tenant: string, n: number, seed: number) {
  await sql`
    insert into scheduler.ttfs_events (ts, tenant_id, job_id, surface, event_type, ttfs_ms, cache_hit)
    select now() - ((g * 7 + ${seed}) % 300) * interval '1 minute', ${tenant}, gen_random_uuid(), (array['ui','cli','ci'])[1 + g % 3],
      (array['signal.rendered','signal.start','signal.timeout','signal.rendered'])[1 + (g + ${seed}) % 4], 1 + (g * 7919 + ${seed}) % 9000, g % 5 <> 0
    from generate_series(1, ${n}::int) g`;
}

/** Every histogram row a reader can see: folded plus pending, summed per key. */
async function histogram(sql: postgres.Sql, tenant: string) {
  return sql<{ hour: Date; surface: string; cache_hit: boolean; bucket: number; n: string }[]>`
    select hour, surface, cache_hit, bucket, sum(n)::text as n from (
      select hour, surface, cache_hit, bucket, n from scheduler.ttfs_rollup_buckets where tenant_id = ${tenant}
      union all select hour, surface, cache_hit, bucket, n from scheduler.ttfs_rollup_buckets_delta where tenant_id = ${tenant}
    ) h group by 1, 2, 3, 4 order by 1, 2, 3, 4`;
}

/** The same histogram counted from raw events (measurement events only). */
async function histogramFromEvents(sql: postgres.Sql, tenant: string) {
  return sql<{ hour: Date; surface: string; cache_hit: boolean; bucket: number; n: string }[]>`
    select date_trunc('hour', ts) as hour, surface, cache_hit, scheduler.ttfs_bucket(ttfs_ms) as bucket, count(*)::text as n
    from scheduler.ttfs_events where tenant_id = ${tenant} and event_type <> 'signal.start'
    group by 1, 2, 3, 4 order by 1, 2, 3, 4`;
}

describe('packed histogram deltas (0070)', () => {
  it('take over pending per-bucket deltas, then read, fold and rebuild exactly like the raw events', async () => {
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(inject('serverUrl'));
    url.pathname = `/${name}`;
    const sql = postgres(url.toString(), { max: 2, onnotice: () => {} });
    try {
      await applyPreBaseline(sql, (file) => file < '0070');
      const tenant = randomUUID();
      // Folded rows and rows still pending in the old layout.
      await insertEvents(sql, tenant, 3000, 1);
      await sql`select scheduler.ttfs_rollup_fold()`;
      await insertEvents(sql, tenant, 2000, 2);
      const [{ pending }] = await sql<
        [{ pending: number }]
      >`select count(*)::int as pending from scheduler.ttfs_rollup_buckets_delta where tenant_id = ${tenant}`;
      expect(pending).toBeGreaterThan(100);
      const before = await histogram(sql, tenant);
      expect(before).toEqual(await histogramFromEvents(sql, tenant));

      // 0070 as the pre-baseline migrations shipped it, then the adoption into the baseline layout.
      await applyPreBaseline(sql);
      await migrate(sql);
      // The old name is a view now; the same rows through it, packed underneath.
      const [{ kind }] = await sql<
        [{ kind: string }]
      >`select relkind::text as kind from pg_class where oid = 'scheduler.ttfs_rollup_buckets_delta'::regclass`;
      expect(kind).toBe('v');
      expect(await histogram(sql, tenant)).toEqual(before);

      // New batches write at most one packed row per cell and statement.
      const [{ rows: packedBefore }] = await sql<
        [{ rows: number }]
      >`select count(*)::int as rows from scheduler.ttfs_rollup_histogram_delta where tenant_id = ${tenant}`;
      await sql`
        insert into scheduler.ttfs_events (ts, tenant_id, job_id, surface, event_type, ttfs_ms, cache_hit)
        select date_trunc('hour', now()), ${tenant}, gen_random_uuid(), (array['ui','cli','ci'])[1 + g % 3], 'signal.rendered', 1 + (g * 7919) % 9000, g % 2 = 0
        from generate_series(1, 500) g`;
      const [{ rows: packedAfter }] = await sql<
        [{ rows: number }]
      >`select count(*)::int as rows from scheduler.ttfs_rollup_histogram_delta where tenant_id = ${tenant}`;
      expect(packedAfter - packedBefore).toBe(6);
      expect(await histogram(sql, tenant)).toEqual(await histogramFromEvents(sql, tenant));

      // Folding moves everything once: nothing pending, nothing lost or doubled.
      await sql`select scheduler.ttfs_rollup_fold()`;
      const [{ left }] = await sql<
        [{ left: number }]
      >`select count(*)::int as left from scheduler.ttfs_rollup_histogram_delta`;
      expect(left).toBe(0);
      const folded = await histogram(sql, tenant);
      expect(folded).toEqual(await histogramFromEvents(sql, tenant));

      // A rebuild stages raw rows through the packed table and lands on the same histogram.
      await sql`select scheduler.ttfs_rollup_rebuild(now() - interval '1 day', now() + interval '1 hour')`;
      await sql`select scheduler.ttfs_rollup_fold()`;
      expect(await histogram(sql, tenant)).toEqual(folded);

      // TRUNCATE of the raw table empties the packed deltas with every grain.
      await insertEvents(sql, tenant, 100, 3);
      await sql`truncate scheduler.ttfs_events`;
      const [{ total }] = await sql<[{ total: number }]>`
        select ((select count(*) from scheduler.ttfs_rollup_histogram_delta) + (select count(*) from scheduler.ttfs_rollup_buckets))::int as total`;
      expect(total).toBe(0);
    } finally {
      await sql.end();
    }
  });
});
