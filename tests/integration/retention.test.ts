import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { policyFromEnv, runRetention } from '@/lib/ops/retention';
import { newTenant, testSql } from '../helpers/db';

const sql = testSql();
afterAll(() => sql.end());

const policy = { ...policyFromEnv({}), batchSize: 7 };
const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);
const DAY = 86400_000;
const MINUTE = 60_000;

describe('retention', () => {
  it('removes exactly what is past each period, at the boundaries', async () => {
    const tenant = newTenant();
    // Events: 20 just past 90 days (several batches), 1 just inside.
    const old = Array.from({ length: 20 }, () => ({
      ts: ago(90 * DAY + MINUTE),
      tenant_id: tenant,
      job_id: randomUUID(),
      surface: 'ui',
      event_type: 'signal.rendered',
      ttfs_ms: 500,
    }));
    const kept = {
      ts: ago(90 * DAY - MINUTE),
      tenant_id: tenant,
      job_id: randomUUID(),
      surface: 'ui',
      event_type: 'signal.rendered',
      ttfs_ms: 700,
    };
    const rows: typeof old = [...old, kept];
    await sql`insert into scheduler.ttfs_events ${sql(rows, 'ts', 'tenant_id', 'job_id', 'surface', 'event_type', 'ttfs_ms')}`;

    // Snapshots: terminal and stale (gone), terminal and fresh (kept), running and stale (kept).
    const snap = async (kind: string, updated: Date) => {
      const id = randomUUID();
      await sql`insert into scheduler.first_signal_snapshots (job_id, tenant_id, kind, phase, summary, updated_at) values (${id}, ${tenant}, ${kind}, 'report', 'x', ${updated})`;
      return id;
    };
    const staleDone = await snap('succeeded', ago(24 * 3600_000 + MINUTE));
    const staleFailed = await snap('failed', ago(48 * 3600_000));
    const freshDone = await snap('canceled', ago(24 * 3600_000 - MINUTE));
    const staleRunning = await snap('phase', ago(10 * DAY));

    // Signatures: only low confidence AND untouched for 30 days is disabled.
    const signature = async (confidence: number, updated: Date) => {
      const [row] = await sql<
        [{ id: string }]
      >`insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome, confidence, updated_at)
        values (${tenant}, ${randomUUID()}, ${sql.json({ error_code: randomUUID() })}, ${sql.json({ likely_cause: 'x' })}, ${confidence}, ${updated}) returning id`;
      return row.id;
    };
    const weakOld = await signature(0.29, ago(30 * DAY + MINUTE));
    const okOld = await signature(0.3, ago(40 * DAY));
    const weakRecent = await signature(0.1, ago(30 * DAY - MINUTE));

    const result = await runRetention(sql, policy, 'manual', now);
    expect(result.ran).toBe(true);
    expect(result.eventsDeleted).toBeGreaterThanOrEqual(20);

    const events = await sql`select ttfs_ms from scheduler.ttfs_events where tenant_id = ${tenant}`;
    expect(events.map((e) => e.ttfs_ms)).toEqual([700]);
    const snaps = (await sql`select job_id from scheduler.first_signal_snapshots where tenant_id = ${tenant}`)
      .map((r) => r.job_id)
      .sort();
    expect(snaps).toEqual([freshDone, staleRunning].sort());
    expect(snaps).not.toContain(staleDone);
    expect(snaps).not.toContain(staleFailed);
    const enabled = Object.fromEntries(
      (await sql`select id, enabled from scheduler.failure_signatures where tenant_id = ${tenant}`).map(
        (r) => [r.id, r.enabled],
      ),
    );
    expect(enabled).toEqual({ [weakOld]: false, [okOld]: true, [weakRecent]: true });
    const [audit] =
      await sql`select action, actor_name from console.signature_audit where signature_id = ${weakOld}`;
    expect(audit).toMatchObject({ action: 'retention_disable', actor_name: 'Retention job' });

    const [run] =
      await sql`select trigger, events_deleted::int, snapshots_deleted::int, signatures_disabled::int, finished_at, error from console.retention_runs order by id desc limit 1`;
    expect(run).toMatchObject({ trigger: 'manual', error: null });
    expect(run!.finished_at).not.toBeNull();
  });

  it('runs in one instance at a time', async () => {
    const [a, b] = await Promise.all([
      runRetention(sql, policy, 'schedule', now),
      runRetention(sql, policy, 'schedule', now),
    ]);
    expect([a.ran, b.ran].filter(Boolean).length).toBeGreaterThanOrEqual(1);
    const holder = await sql.reserve();
    await holder`select pg_advisory_lock(${0x74746672})`;
    const blocked = await runRetention(sql, policy, 'schedule', now);
    expect(blocked.ran).toBe(false);
    await holder`select pg_advisory_unlock(${0x74746672})`;
    holder.release();
  });
});
