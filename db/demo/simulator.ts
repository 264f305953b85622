import type { Sql } from 'postgres';
import { DEMO_TENANTS, PHASES } from './tenants';

interface ActiveJob {
  job_id: string;
  tenant_id: string;
  run_id: string | null;
  kind: string;
  phase: string;
  diagnostics: Record<string, unknown>;
}

/**
 * The key in payload_json that marks a job as the demo's own: seeded demo jobs
 * and the ones the simulator starts. The simulator moves only those, so a job
 * written through the API (or by a real scheduler) in a demo tenant is never
 * taken over. upsert_first_signal_snapshot leaves payload_json as it is, so the
 * mark stays through every step.
 */
export const DEMO_MARK = 'demo_simulated';

const FAILURES: Record<string, string> = {
  resolve: 'AUTH_EXPIRED',
  fetch: 'REGISTRY_RATE_LIMITED',
  restore: 'CACHE_CORRUPT',
  analyze: 'LAYER_EXTRACT_FAILED',
  policy: 'POLICY_BUNDLE_MISSING',
  report: 'UPLOAD_TIMEOUT',
};

/** The next state of a job moving resolve -> ... -> report, with a small chance to fail. */
export function advance(job: ActiveJob, roll: number) {
  if (job.kind === 'queued')
    return {
      kind: 'started',
      phase: 'resolve',
      summary: 'Picked up by a worker; resolving the image reference',
      eta: 240,
    };
  const index = PHASES.indexOf(job.phase as (typeof PHASES)[number]);
  if (roll < 0.06) {
    const phase = index >= 0 ? job.phase : 'analyze';
    return {
      kind: 'failed',
      phase,
      summary: `Failed in ${phase} with ${FAILURES[phase]}`,
      eta: null,
      error: FAILURES[phase],
    };
  }
  if (index === PHASES.length - 1)
    return { kind: 'succeeded', phase: 'report', summary: 'Scan finished; report published', eta: null };
  const phase = PHASES[Math.max(0, index + 1)]!;
  return { kind: 'phase', phase, summary: `Running ${phase}`, eta: Math.max(10, 240 - (index + 1) * 40) };
}

/**
 * Moves a few demo jobs one step every tick through scheduler.upsert_first_signal_snapshot
 * (so every change is NOTIFYed), starts new jobs to keep about a dozen active, and records
 * a trickle of telemetry so the current hour on the dashboard is live.
 */
export function startSimulator(
  sql: Sql,
  options: { intervalMs?: number; log?: (line: string) => void } = {},
) {
  const intervalMs = options.intervalMs ?? 3000;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const active = await sql<ActiveJob[]>`
        select job_id, tenant_id, run_id, kind, phase, diagnostics from scheduler.first_signal_snapshots
        where kind in ('queued', 'started', 'phase') and tenant_id in (select id from console.tenants)
          and payload_json @> ${sql.json({ [DEMO_MARK]: true })}
        order by random() limit 3`;
      for (const job of active) {
        const next = advance(job, Math.random());
        const { queue_position: _position, ...rest } = job.diagnostics;
        const diagnostics = {
          ...rest,
          worker_id: String(rest.worker_id ?? `worker-${1 + Math.floor(Math.random() * 24)}`),
          ...(next.error ? { error_code: next.error } : {}),
        };
        await sql`select scheduler.upsert_first_signal_snapshot(${job.job_id}, ${job.tenant_id}, ${job.run_id},
          ${next.kind}, ${next.phase}, ${next.summary}, ${next.eta}, null, ${sql.json([{ label: 'View run', href: `/runs/${job.run_id}` }])},
          ${sql.json(diagnostics as never)})`;
      }
      const [{ count }] = await sql<[{ count: number }]>`
        select count(*)::int as count from scheduler.first_signal_snapshots
        where kind in ('queued', 'started', 'phase') and payload_json @> ${sql.json({ [DEMO_MARK]: true })}`;
      if (count < 12) {
        const tenant = DEMO_TENANTS[Math.floor(Math.random() * DEMO_TENANTS.length)]!;
        const [run] = await sql<
          { id: string }[]
        >`insert into scheduler.runs (id, tenant_id) values (gen_random_uuid(), ${tenant.id}) returning id`;
        const position = 1 + Math.floor(Math.random() * 8);
        // Marked in the same transaction, before anything else can see the job unmarked.
        await sql.begin(async (tx) => {
          const [job] = await tx<{ job_id: string }[]>`
            select job_id from scheduler.upsert_first_signal_snapshot(gen_random_uuid(), ${tenant.id}, ${run!.id}, 'queued', 'unknown',
              ${`Queued at position ${position}; a worker is expected shortly`}, 60, null, null,
              ${tx.json({ queue_position: position, retry_count: 0, image_reference: 'registry.acme.io/web/frontend:v2.0.1' })})`;
          await tx`update scheduler.first_signal_snapshots set payload_json = payload_json || ${tx.json({ [DEMO_MARK]: true })}
            where job_id = ${job!.job_id}`;
        });
      }
      await sql`
        insert into scheduler.ttfs_events (tenant_id, job_id, surface, event_type, ttfs_ms, cache_hit, signal_source, device, release)
        select t.id, gen_random_uuid(), s, 'signal.rendered',
          (exp(case when h then ln(600) else ln(1900) end + 0.45 * sqrt(-2 * ln(greatest(random(), 1e-9))) * cos(2 * pi() * random())))::int,
          h, case when h then 'snapshot' else 'cold_start' end, 'desktop', 'v2.14.1'
        from console.tenants t, unnest(array['ui', 'cli', 'ci']) s, lateral (select random() < 0.78 as h) c
        where random() < 0.3`;
    } catch (error) {
      options.log?.(`demo simulator: ${(error as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
