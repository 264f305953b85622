import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, testSql } from '../helpers/db';

// Runs against a Citus coordinator (CI's third run: TEST_DATABASE_URL on the cluster); on one
// server the same write paths are covered by the other files. See docs/scaling.md.
const sql = testSql({ max: 4 });
let citus = false;

beforeAll(async () => {
  const [row] = await sql<[{ engine: string }]>`select scheduler.ttfs_engine() as engine`;
  citus = row.engine === 'citus';
});
afterAll(() => sql.end());

const DISTRIBUTED = [
  'console.api_tokens',
  'console.signature_audit',
  'scheduler.failure_signatures',
  'scheduler.first_signal_phase_history',
  'scheduler.first_signal_snapshots',
  'scheduler.runs',
  'scheduler.ttfs_events',
  'scheduler.ttfs_release_first_seen',
  'scheduler.ttfs_rollup_buckets',
  'scheduler.ttfs_rollup_buckets_daily',
  'scheduler.ttfs_rollup_cells',
  'scheduler.ttfs_rollup_cells_daily',
  'scheduler.ttfs_rollup_cells_delta',
  'scheduler.ttfs_rollup_histogram_delta',
  'scheduler.ttfs_rollup_quantiles',
  'scheduler.ttfs_summary_daily',
];
const REFERENCE = [
  'console.personal_tokens',
  'console.sessions',
  'console.tenants',
  'console.user_tenants',
  'console.users',
  'scheduler.ttfs_summary_hourly',
];

describe('on a Citus coordinator', () => {
  it('distributes the tenant-scoped tables by tenant_id, co-located, and makes the shared ones reference tables', async (ctx) => {
    if (!citus) ctx.skip();
    const rows = await sql<
      { rel: string; method: string; column: string | null; colocation: number; model: string }[]
    >`
      select logicalrelid::regclass::text as rel, partmethod::text as method,
        column_to_column_name(logicalrelid, partkey) as column, colocationid as colocation, repmodel::text as model
      from pg_dist_partition order by 1`;
    const distributed = rows.filter((r) => r.method === 'h');
    expect(distributed.map((r) => r.rel).sort()).toEqual(DISTRIBUTED);
    expect(new Set(distributed.map((r) => r.column))).toEqual(new Set(['tenant_id']));
    expect(new Set(distributed.map((r) => r.colocation)).size).toBe(1);
    const reference = rows.filter((r) => r.method === 'n' && r.model === 't');
    expect(reference.map((r) => r.rel).sort()).toEqual(REFERENCE);
    // Written on every request or by one job and joined with nothing distributed: plain tables.
    for (const local of ['console.rate_limits', 'console.oidc_logins', 'console.retention_runs'])
      expect(rows.find((r) => r.rel === local)).toBeUndefined();
    // Every primary or unique key of a distributed table holds tenant_id.
    const keys = await sql<{ rel: string; def: string }[]>`
      select conrelid::regclass::text as rel, pg_get_constraintdef(oid) as def from pg_constraint
      where contype in ('p', 'u') and conrelid::regclass::text = any(${DISTRIBUTED})`;
    expect(keys.length).toBeGreaterThanOrEqual(DISTRIBUTED.length - 2);
    for (const k of keys) expect(k.def, k.rel).toMatch(/tenant_id/);
    // Shards are spread over both workers.
    const [nodes] = await sql<[{ n: number }]>`
      select count(distinct nodeport)::int as n from citus_shards where table_name = 'scheduler.ttfs_events'::regclass`;
    expect(nodes.n).toBe(2);
  });

  it('keeps the rollups exact for every write path: record_ttfs_event, a multi-row INSERT, COPY', async (ctx) => {
    if (!citus) ctx.skip();
    const tenant = newTenant();
    const other = newTenant();
    for (let i = 0; i < 20; i++)
      await sql`select scheduler.record_ttfs_event(${tenant}, ${randomUUID()}, 'cli', 'signal.rendered', ${100 + i * 37}, ${i % 3 === 0})`;
    await sql`
      insert into scheduler.ttfs_events (ts, tenant_id, job_id, surface, event_type, ttfs_ms, cache_hit, release)
      select now() - (g % 90) * interval '1 minute', case when g % 4 = 0 then ${other}::uuid else ${tenant}::uuid end, gen_random_uuid(),
        (array['ui','cli','ci'])[1 + g % 3], (array['signal.rendered','signal.start','signal.timeout','signal.error'])[1 + g % 4],
        1 + (g * 7919) % 9000, g % 2 = 0, 'r-' || (g % 2)
      from generate_series(1, 2000) g`;
    const lines = Array.from(
      { length: 50 },
      (_, i) => `${tenant}\t${randomUUID()}\tci\tsignal.rendered\t${300 + i * 11}\n`,
    );
    await pipeline(
      Readable.from(lines),
      await sql`copy scheduler.ttfs_events (tenant_id, job_id, surface, event_type, ttfs_ms) from stdin`.writable(),
    );
    const compare = async () => {
      const [fromEvents] = await sql<[{ n: number; m: number; s: string }]>`
        select count(*)::int as n, count(*) filter (where event_type <> 'signal.start')::int as m,
          coalesce(sum(ttfs_ms) filter (where event_type <> 'signal.start'), 0)::text as s
        from scheduler.ttfs_events where tenant_id = ${tenant}`;
      const [fromRollups] = await sql<[{ n: number; m: number; s: string }]>`
        select coalesce(sum(n_events), 0)::int as n, coalesce(sum(m_count), 0)::int as m, coalesce(sum(m_sum), 0)::text as s from (
          select n_events, m_count, m_sum from scheduler.ttfs_rollup_cells where tenant_id = ${tenant}
          union all select n_events, m_count, m_sum from scheduler.ttfs_rollup_cells_delta where tenant_id = ${tenant}) c`;
      expect(fromRollups).toEqual(fromEvents);
      const [view] = await sql<[{ n: number }]>`
        select coalesce(sum(event_count), 0)::int as n from scheduler.ttfs_daily_summary where tenant_id = ${tenant}`;
      expect(view.n).toBe(fromEvents.m);
    };
    await compare();
    await sql`select scheduler.ttfs_rollup_fold()`;
    await compare();
    const releases =
      await sql`select release from scheduler.ttfs_release_first_seen where tenant_id = ${tenant} order by 1`;
    expect(releases.map((r) => r.release)).toEqual(['r-0', 'r-1']);
    // The other tenant's rows never show in this tenant's windows.
    const stats = await sql<{ events: string }[]>`
      select events from scheduler.ttfs_window_stats(now() - interval '3 hours', now() + interval '1 hour', interval '1 day', array[${other}::uuid])`;
    const [otherCount] = await sql<[{ n: number }]>`
      select count(*) filter (where event_type <> 'signal.start')::int as n from scheduler.ttfs_events where tenant_id = ${other}`;
    expect(stats.reduce((a, r) => a + Number(r.events), 0)).toBe(otherCount.n);
  });

  it('matches a failed job on the worker and NOTIFYs the signal and the cache on the coordinator', async (ctx) => {
    if (!citus) ctx.skip();
    const tenant = newTenant();
    const job = randomUUID();
    const [sig] = await sql<[{ id: string }]>`
      insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome, confidence)
      values (${tenant}, ${'h-' + job}, ${sql.json({ error_code: 'E_PULL' })}, ${sql.json({ likely_cause: 'registry' })}, 0.8)
      returning id`;
    const messages: { channel: string; payload: string }[] = [];
    const listener = testSql({ max: 1 });
    await listener.listen('ttfs_signal_update', (payload) => messages.push({ channel: 'signal', payload }));
    await listener.listen('ttfs_cache_invalidate', (payload) => messages.push({ channel: 'cache', payload }));
    const [row] = await sql<
      [{ payload_json: { failure_match?: { signature_id: string; matched: boolean } } }]
    >`
      select payload_json from scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'failed', 'fetch', 'pull failed',
        null, null, null, ${sql.json({ error_code: 'E_PULL' })})`;
    expect(row.payload_json.failure_match).toMatchObject({ signature_id: sig.id, matched: true });
    const [count] = await sql<
      [{ n: number }]
    >`select sample_count as n from scheduler.failure_signatures where tenant_id = ${tenant}`;
    expect(count.n).toBe(1);
    // Other tests' messages may arrive too: wait for this job's.
    await expect
      .poll(() => messages.filter((m) => m.channel === 'cache').map((m) => JSON.parse(m.payload)))
      .toContainEqual({ jobs: [job] });
    await expect
      .poll(() => messages.some((m) => m.channel === 'signal' && m.payload.includes(job)))
      .toBe(true);
    await listener.end();
  });
  it('keeps the rollups exact while shards move: a worker drained, then the shards rebalanced onto it', async (ctx) => {
    if (!citus) ctx.skip();
    const tenants = Array.from({ length: 16 }, () => newTenant());
    const insert = (surface: string) => sql`
      insert into scheduler.ttfs_events (tenant_id, job_id, surface, event_type, ttfs_ms)
      select (${tenants}::uuid[])[1 + g % 16], gen_random_uuid(), ${surface}, 'signal.rendered', g
      from generate_series(1, 160) g`;
    const placement = async () =>
      sql<{ port: number; n: number }[]>`
        select nodeport as port, count(*)::int as n from citus_shards
        where table_name = 'scheduler.ttfs_events'::regclass group by 1 order by 1`;
    const [worker] = await sql<[{ host: string; port: number }]>`
      select nodename as host, nodeport as port from pg_dist_node where groupid <> 0 order by nodeport desc limit 1`;
    await insert('ui');
    try {
      await sql`select citus_drain_node(${worker.host}, ${worker.port}, shard_transfer_mode => 'block_writes')`;
      expect((await placement()).map((p) => p.port)).not.toContain(worker.port);
      await insert('cli');
      await sql`select citus_set_node_property(${worker.host}, ${worker.port}, 'shouldhaveshards', true)`;
      await sql`select citus_rebalance_start(shard_transfer_mode => 'block_writes')`;
      await sql`select citus_rebalance_wait()`;
      expect((await placement()).map((p) => p.port)).toContain(worker.port);
      await insert('ci');
    } finally {
      await sql`select citus_set_node_property(${worker.host}, ${worker.port}, 'shouldhaveshards', true)`;
    }
    await sql`select scheduler.ttfs_rollup_fold()`;
    const [row] = await sql<[{ events: number; rolled: number; pending: number }]>`
      select (select count(*) from scheduler.ttfs_events where tenant_id = any(${tenants}::uuid[]))::int as events,
        (select coalesce(sum(n_events), 0) from scheduler.ttfs_rollup_cells where tenant_id = any(${tenants}::uuid[]))::int as rolled,
        (select count(*) from scheduler.ttfs_rollup_cells_delta where tenant_id = any(${tenants}::uuid[]))::int as pending`;
    expect(row).toEqual({ events: 480, rolled: 480, pending: 0 });
  });
});
