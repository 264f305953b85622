import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { isEmpty, seedDemo } from '../../db/demo/seed';
import { startSimulator } from '../../db/demo/simulator';
import { actionable } from '../../lib/signals/actions';
import { RUNBOOKS } from '../../lib/runbooks';
import { DEMO_TENANTS } from '../../db/demo/tenants';
import { createDatabase, dropDatabase } from '../../db/cluster';
import { migrate } from '../../db/migrate';

// Its own database: the demo set is global (fixed tenant ids), unlike other tests.
const name = `ttfs_demo_${randomBytes(4).toString('hex')}`;
let sql: postgres.Sql;

beforeAll(async () => {
  sql = postgres(await createDatabase(inject('serverUrl'), name), { max: 2, onnotice: () => {} });
  await migrate(sql);
});

afterAll(async () => {
  await sql.end();
  await dropDatabase(inject('serverUrl'), name);
});

describe('demo data', () => {
  it('loads into an empty database only once it is recognised as empty', async () => {
    expect(await isEmpty(sql)).toBe(true);
    await seedDemo(sql);
    expect(await isEmpty(sql)).toBe(false);
  });

  it('has 3 tenants and about 200 jobs across every kind and phase, with next actions and outcomes', async () => {
    const tenants = await sql`select slug from console.tenants order by slug`;
    expect(tenants.map((t) => t.slug)).toEqual(DEMO_TENANTS.map((t) => t.slug).sort());
    const [jobs] = await sql<
      [{ n: number; kinds: number; phases: number; withActions: number; withOutcome: number }]
    >`
      select count(*)::int as n, count(distinct kind)::int as kinds, count(distinct phase)::int as phases,
        count(*) filter (where jsonb_array_length(next_actions) > 0)::int as "withActions",
        count(*) filter (where last_known_outcome is not null)::int as "withOutcome"
      from scheduler.first_signal_snapshots`;
    expect(jobs.n).toBe(200);
    expect(jobs.kinds).toBe(8);
    expect(jobs.phases).toBe(7);
    expect(jobs.withActions).toBe(200);
    expect(jobs.withOutcome).toBeGreaterThan(100);
  });

  it('has 14 days of telemetry with slower cold starts, timeouts, errors and an SLO-breaching incident', async () => {
    const [span] = await sql<
      [{ days: number }]
    >`select extract(epoch from max(ts) - min(ts)) / 86400 as days from scheduler.ttfs_events`;
    expect(Number(span.days)).toBeGreaterThan(13.5);
    const byCache = await sql<{ cache_hit: boolean; p50: number }[]>`
      select cache_hit, percentile_cont(0.5) within group (order by ttfs_ms) as p50
      from scheduler.ttfs_events where event_type = 'signal.rendered' group by cache_hit`;
    const hit = byCache.find((r) => r.cache_hit)!.p50;
    const cold = byCache.find((r) => !r.cache_hit)!.p50;
    expect(cold).toBeGreaterThan(2 * hit);
    const [types] = await sql<[{ timeouts: number; errors: number; starts: number }]>`
      select count(*) filter (where event_type = 'signal.timeout')::int as timeouts,
             count(*) filter (where event_type = 'signal.error')::int as errors,
             count(*) filter (where event_type = 'signal.start')::int as starts
      from scheduler.ttfs_events`;
    expect(types.timeouts).toBeGreaterThan(0);
    expect(types.errors).toBeGreaterThan(0);
    expect(types.starts).toBeGreaterThan(0);
    // The incident: within the last 24 h some tenant-hour breaches the p95 objective.
    const [worst] = await sql<
      [{ pct: number }]
    >`select min(p95_compliance_pct)::float8 as pct from scheduler.ttfs_slo_breaches where total_signals >= 10`;
    expect(worst.pct).toBeLessThan(95);
  });

  it('has failure signatures, one of them expired', async () => {
    const [s] = await sql<[{ n: number; expired: number }]>`
      select count(*)::int as n, count(*) filter (where expires_at < now())::int as expired from scheduler.failure_signatures`;
    expect(s.n).toBeGreaterThanOrEqual(10);
    expect(s.expired).toBeGreaterThan(0);
  });

  it('links only to pages that exist: every next action and every runbook', async () => {
    const actions = await sql<{ label: string; href: string }[]>`
      select distinct a->>'label' as label, a->>'href' as href
      from scheduler.first_signal_snapshots, jsonb_array_elements(next_actions) a`;
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(actionable(action), action.href).toEqual(action);
    const urls = await sql<
      { url: string }[]
    >`select distinct outcome->>'remediation_url' as url from scheduler.failure_signatures`;
    expect(urls.length).toBeGreaterThan(0);
    for (const { url } of urls) {
      const slug = /^\/runbooks\/([a-z0-9-]+)$/.exec(url)?.[1];
      expect(slug && RUNBOOKS[slug], url).toBeTruthy();
      expect(existsSync(`docs/runbooks/${slug}.md`), url).toBe(true);
    }
  });

  it('has a phase history for every job, and last-matched times for signatures with samples', async () => {
    const [h] = await sql<[{ missing: number }]>`
      select count(*)::int as missing from scheduler.first_signal_snapshots s
      where not exists (select 1 from scheduler.first_signal_phase_history h where h.tenant_id = s.tenant_id and h.job_id = s.job_id)`;
    expect(h.missing).toBe(0);
    const [last] = await sql<[{ kind: string; phase: string }]>`
      select h.kind, h.phase from scheduler.first_signal_phase_history h
      join scheduler.first_signal_snapshots s using (tenant_id, job_id)
      where s.kind = 'succeeded' order by h.id desc limit 1`;
    expect(last.kind).toBe('succeeded');
    const [never] = await sql<[{ n: number }]>`
      select count(*)::int as n from scheduler.failure_signatures where sample_count > 0 and last_matched_at is null`;
    expect(never.n).toBe(0);
  });

  it('the simulator moves only its own jobs, never one written through the API', async () => {
    const [tenant] = await sql<[{ id: string }]>`select id from console.tenants limit 1`;
    const foreign = randomUUID();
    await sql`select scheduler.upsert_first_signal_snapshot(${foreign}, ${tenant.id}, null, 'queued', 'unknown', 'Written through the API', 60)`;
    const simulator = startSimulator(sql, { intervalMs: 3_600_000 });
    try {
      for (let i = 0; i < 40; i++) await simulator.tick();
    } finally {
      simulator.stop();
    }
    const [row] = await sql<[{ kind: string; summary: string }]>`
      select kind, summary from scheduler.first_signal_snapshots where job_id = ${foreign}`;
    expect(row).toEqual({ kind: 'queued', summary: 'Written through the API' });
    // ...while the demo's jobs did move.
    const [moved] = await sql<[{ n: number }]>`
      select count(*)::int as n from scheduler.first_signal_phase_history where at > now() - interval '1 minute'
        and job_id <> ${foreign}`;
    expect(moved.n).toBeGreaterThan(0);
  });
});
