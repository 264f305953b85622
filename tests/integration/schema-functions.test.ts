import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { newTenant, testSql } from '../helpers/db';

const sql = testSql();
afterAll(() => sql.end());

describe("the seed schema's functions, as written", () => {
  it('upsert_first_signal_snapshot updates in place and keeps last_known_outcome when passed NULL', async () => {
    const tenant = newTenant();
    const job = randomUUID();
    const outcome = { status: 'succeeded', findings_count: 12 };
    await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'queued', 'unknown', 'Queued at position 3', 60, ${sql.json(outcome)}, null, ${sql.json({ queue_position: 3 })})`;
    const [first] = await sql`select * from scheduler.first_signal_snapshots where job_id = ${job}`;
    await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'phase', 'analyze', 'Running analyze', 30, null, ${sql.json([{ label: 'Open', href: '/x' }])}, ${sql.json({ worker_id: 'w-1' })})`;
    const rows = await sql`select * from scheduler.first_signal_snapshots where job_id = ${job}`;
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.kind).toBe('phase');
    expect(row.phase).toBe('analyze');
    expect(row.summary).toBe('Running analyze');
    expect(row.last_known_outcome).toEqual(outcome);
    expect(row.diagnostics).toEqual({ worker_id: 'w-1' });
    expect(row.created_at).toEqual(first!.created_at);
  });

  it('upsert NOTIFYs ttfs_signal_update with a small payload', async () => {
    const listener = testSql({ max: 1 });
    const received: string[] = [];
    const job = randomUUID();
    const tenant = newTenant();
    let resolveGot!: () => void;
    const got = new Promise<void>((resolve) => (resolveGot = resolve));
    // listen() resolves once the LISTEN is active, so the upsert below cannot precede it.
    await listener.listen('ttfs_signal_update', (payload) => {
      if (payload.includes(job)) {
        received.push(payload);
        resolveGot();
      }
    });
    await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'started', 'resolve', 'Picked up')`;
    await got;
    expect(JSON.parse(received[0]!)).toEqual({
      job_id: job,
      tenant_id: tenant,
      kind: 'started',
      phase: 'resolve',
    });
    await listener.end();
  });

  it('record_ttfs_event inserts one row with the given values', async () => {
    const tenant = newTenant();
    const job = randomUUID();
    const [row] =
      await sql`select * from scheduler.record_ttfs_event(${tenant}, ${job}, 'cli', 'signal.rendered', 1234, true, 'snapshot', 'phase', 'fetch')`;
    expect(row).toMatchObject({
      tenant_id: tenant,
      job_id: job,
      surface: 'cli',
      event_type: 'signal.rendered',
      ttfs_ms: 1234,
      cache_hit: true,
      signal_source: 'snapshot',
    });
    const [count] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from scheduler.ttfs_events where job_id = ${job}`;
    expect(count.n).toBe(1);
  });

  it('rejects values outside the CHECK enumerations', async () => {
    await expect(
      sql`select scheduler.record_ttfs_event(${newTenant()}, ${randomUUID()}, 'tv', 'signal.rendered', 1)`,
    ).rejects.toThrow(/check constraint/);
  });

  it('match_failure_signature picks the highest confidence, then the most samples', async () => {
    const tenant = newTenant();
    const insert = (
      hash: string,
      pattern: Record<string, string>,
      confidence: number,
      samples: number,
      extra: { enabled?: boolean; expires?: string } = {},
    ) => sql`
      insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome, confidence, sample_count, enabled, expires_at)
      values (${tenant}, ${hash}, ${sql.json(pattern)}, ${sql.json({ likely_cause: hash })}, ${confidence}, ${samples}, ${extra.enabled ?? true}, ${extra.expires ?? null})
      returning id`;
    await insert('generic', { error_code: 'E1' }, 0.5, 100);
    await insert('phase-specific', { phase: 'fetch', error_code: 'E1' }, 0.8, 1);
    await insert('same-confidence-more-samples', { phase: 'fetch' }, 0.8, 50);
    await insert('disabled', { error_code: 'E1' }, 0.99, 0, { enabled: false });
    await insert('expired', { error_code: 'E1' }, 0.98, 0, { expires: '2000-01-01T00:00:00Z' });
    await insert('image', { error_code: 'E1', image_pattern: '^docker\\.io/' }, 0.9, 0);

    const best = async (phase: string, code: string, image: string | null) => {
      const [row] =
        await sql`select outcome->>'likely_cause' as cause from scheduler.match_failure_signature(${tenant}, ${phase}, ${code}, ${image})`;
      return row?.cause ?? null;
    };
    expect(await best('fetch', 'E1', 'docker.io/library/x:1')).toBe('image');
    expect(await best('fetch', 'E1', 'ghcr.io/x:1')).toBe('same-confidence-more-samples');
    expect(await best('analyze', 'E1', null)).toBe('generic');
    expect(await best('analyze', 'E2', null)).toBeNull();
  });
});
