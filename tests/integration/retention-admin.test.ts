import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { POST as rebuild } from '@/app/api/v1/admin/rollups/rebuild/route';
import { POST as runNow } from '@/app/api/v1/admin/retention/route';
import { policyFromEnv, runRetention } from '@/lib/ops/retention';
import { rebuildHour, recentRetentionRuns, rollupDrift, tableSizes } from '@/lib/queries/retention';
import { newTenant, testSql } from '../helpers/db';
import { testSession } from '../helpers/auth';

const sql = testSql();
afterAll(() => sql.end());

const HOUR = 3600_000;

describe('rollup drift', () => {
  it('flags an hour whose raw rows were deleted behind the rollups, and a rebuild clears it', async () => {
    const tenant = newTenant();
    const hour = new Date(Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR);
    const rows = Array.from({ length: 6 }, (_, i) => ({
      ts: new Date(hour.getTime() + i * 60_000),
      tenant_id: tenant,
      job_id: randomUUID(),
      surface: 'cli',
      event_type: 'signal.rendered',
      ttfs_ms: 400 + i,
    }));
    await sql`insert into scheduler.ttfs_events ${sql(rows, 'ts', 'tenant_id', 'job_id', 'surface', 'event_type', 'ttfs_ms')}`;
    const before = await rollupDrift(48, sql);
    expect(before.drifted.find((d) => d.hour.getTime() === hour.getTime())).toBeUndefined();

    await sql`delete from scheduler.ttfs_events where tenant_id = ${tenant} and ttfs_ms < 402`;
    const after = await rollupDrift(48, sql);
    const drifted = after.drifted.find((d) => d.hour.getTime() === hour.getTime());
    expect(drifted).toBeDefined();
    expect(drifted!.rolledUp - drifted!.raw).toBe(2);

    await rebuildHour(new Date(hour.getTime() + 17 * 60_000), sql);
    const fixed = await rollupDrift(48, sql);
    expect(fixed.drifted.find((d) => d.hour.getTime() === hour.getTime())).toBeUndefined();
    const [cell] = await sql<[{ n: number }]>`
      select sum(n_events)::int as n from scheduler.ttfs_rollup_cells where tenant_id = ${tenant} and hour = ${hour}`;
    expect(cell.n).toBe(4);
  });

  it('rebuild answers admins only, and refuses an hour outside the last 7 days with the field path', async () => {
    const admin = await testSession(sql, { role: 'admin' });
    const support = await testSession(sql, { role: 'support' });
    const call = (headers: Record<string, string>, body: unknown) =>
      rebuild(
        new Request('http://console.test/api/v1/admin/rollups/rebuild', {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    expect((await call(support.headers, { hour: new Date().toISOString() })).status).toBe(403);
    const old = await call(admin.headers, { hour: new Date(Date.now() - 30 * 86400_000).toISOString() });
    expect(old.status).toBe(422);
    expect((await old.json()).issues[0].path).toBe('hour');
    const ok = await call(admin.headers, { hour: new Date(Date.now() - HOUR).toISOString() });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveProperty('drifted');
  });
});

describe('retention for admins', () => {
  it('runs now on request and records what it removed, phase history included', async () => {
    const tenant = newTenant();
    const job = randomUUID();
    await sql`insert into scheduler.first_signal_phase_history (tenant_id, job_id, at, kind, phase)
      values (${tenant}, ${job}, now() - interval '91 days', 'queued', 'unknown'),
             (${tenant}, ${job}, now() - interval '89 days', 'started', 'resolve')`;
    const admin = await testSession(sql, { role: 'admin' });
    const response = await runNow(
      new Request('http://console.test/api/v1/admin/retention', { method: 'POST', headers: admin.headers }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.historyDeleted).toBeGreaterThanOrEqual(1);
    const left = await sql`select kind from scheduler.first_signal_phase_history where tenant_id = ${tenant}`;
    expect(left.map((r) => r.kind)).toEqual(['started']);
    const [last] = await recentRetentionRuns(1, sql);
    expect(last).toMatchObject({ trigger: 'manual', historyDeleted: body.historyDeleted });
    // A concurrent run is refused while the lock is held.
    const holder = await sql.reserve();
    await holder`select pg_advisory_lock(${0x74746672})`;
    try {
      const busy = await runRetention(sql, policyFromEnv({}), 'manual');
      expect(busy.ran).toBe(false);
      const refused = await runNow(
        new Request('http://console.test/api/v1/admin/retention', { method: 'POST', headers: admin.headers }),
      );
      expect(refused.status).toBe(409);
      expect((await refused.json()).error).toBe('retention_running');
    } finally {
      await holder`select pg_advisory_unlock(${0x74746672})`;
      holder.release();
    }
  });

  it('reports the size and rows of each table it looks after', async () => {
    const sizes = await tableSizes(sql);
    const events = sizes.find((s) => s.table === 'scheduler.ttfs_events')!;
    const [{ n }] = await sql<[{ n: number }]>`select count(*)::int as n from scheduler.ttfs_events`;
    expect(events).toMatchObject({ rows: n, estimated: false });
    expect(events.bytes).toBeGreaterThan(0);
    expect(sizes.map((s) => s.table)).toContain('scheduler.first_signal_phase_history');
  });

  it('counts the bytes where the rows are (on Citus, in the shards on the workers)', async () => {
    const size = async () => (await tableSizes(sql)).find((s) => s.table === 'scheduler.ttfs_events')!.bytes;
    const before = await size();
    const tenant = newTenant();
    await sql`
      insert into scheduler.ttfs_events (ts, tenant_id, job_id, surface, event_type, ttfs_ms, metadata)
      select now() - g * interval '1 second', ${tenant}, gen_random_uuid(), 'cli', 'signal.rendered', g,
        jsonb_build_object('pad', repeat('x', 500))
      from generate_series(1, 1000) g`;
    // 1,000 rows of over 500 bytes each: at least 500 kB more, wherever they are stored.
    expect((await size()) - before).toBeGreaterThan(500_000);
  });
});
