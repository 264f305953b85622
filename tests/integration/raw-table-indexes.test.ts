import { afterAll, describe, expect, it, inject } from 'vitest';
import { newTenant, testSql } from '../helpers/db';

// On Citus the primary key holds tenant_id and plans are distributed: docs/scaling.md.
const onCitus = inject('engine') === 'citus';

// The raw table keeps only the indexes a query or a constraint needs, each
// one costs ingest (docs/telemetry.md, "Raw-table indexes").
const sql = testSql();
afterAll(() => sql.end());

describe('scheduler.ttfs_events indexes', () => {
  it.skipIf(onCitus)(
    'are exactly the primary key, BRIN on ts, hash on job_id, (tenant_id, ts desc), the idempotency key and the console-pages partial index',
    async () => {
      const rows = await sql<{ name: string; definition: string }[]>`
      select indexname as name, regexp_replace(indexdef, '^.* USING ', '') as definition
      from pg_indexes where schemaname = 'scheduler' and tablename = 'ttfs_events' order by indexname`;
      expect(rows).toEqual([
        { name: 'brin_ttfs_events_ts', definition: 'brin (ts)' },
        {
          name: 'idx_ttfs_events_console_pages',
          definition:
            "btree (tenant_id, ts) WHERE ((surface = 'ui'::text) AND (event_type = 'signal.rendered'::text) AND (metadata ? 'page'::text))",
        },
        { name: 'idx_ttfs_events_job', definition: 'hash (job_id)' },
        { name: 'idx_ttfs_events_tenant_ts', definition: 'btree (tenant_id, ts DESC)' },
        { name: 'ttfs_events_pkey', definition: 'btree (id)' },
        {
          name: 'ux_ttfs_events_tenant_event',
          definition: 'btree (tenant_id, event_id) WHERE (event_id IS NOT NULL)',
        },
      ]);
    },
  );

  it.skipIf(onCitus)(
    "serve a job's events (timeline, cold start) through the hash index, newest first",
    async () => {
      const tenant = newTenant();
      const [{ job }] = await sql<[{ job: string }]>`select gen_random_uuid() as job`;
      await sql`
      insert into scheduler.ttfs_events (ts, tenant_id, job_id, surface, event_type, ttfs_ms)
      select now() - g * interval '1 minute', ${tenant}, case when g <= 3 then ${job}::uuid else gen_random_uuid() end, 'ui', 'signal.rendered', g
      from generate_series(1, 2000) g`;
      await sql`analyze scheduler.ttfs_events`;
      const plan = await sql.begin(async (tx) => {
        await tx`set local enable_seqscan = off`;
        return tx<
          { 'QUERY PLAN': string }[]
        >`explain select ts, ttfs_ms from scheduler.ttfs_events where job_id = ${job} order by ts desc limit 20`;
      });
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/idx_ttfs_events_job/);
      const events = await sql<
        { ttfs_ms: number }[]
      >`select ttfs_ms from scheduler.ttfs_events where job_id = ${job} order by ts desc limit 20`;
      expect(events.map((e) => e.ttfs_ms)).toEqual([1, 2, 3]);
    },
  );
});
