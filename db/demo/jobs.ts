import type { Sql } from 'postgres';
import { signatureHash } from '../../lib/signatures/hash';
import { SIGNAL_KINDS as KINDS } from '../../lib/schemas/signal';
import { DEMO_MARK } from './simulator';
import { DEMO_TENANTS, PHASES, prng } from './tenants';

const IMAGES = [
  'registry.acme.io/payments/api:v1.8.2',
  'registry.acme.io/web/frontend:v2.0.1',
  'ghcr.io/globex/ingest-worker:2026.11.3',
  'docker.io/library/postgres:17',
  'quay.io/initech/tps-reports:v1.4.0',
  'registry.acme.io/ml/trainer:v1.2.9',
];

export const DEMO_SIGNATURES = [
  {
    phase: 'fetch',
    error_code: 'REGISTRY_RATE_LIMITED',
    image_pattern: '^docker\\.io/',
    cause: 'Docker Hub pull rate limiting',
    p50: 300,
    p95: 900,
    action: 'Wait 5 minutes and retry, or configure a pull-through mirror',
    url: '/runbooks/rate-limits',
    confidence: 0.92,
    samples: 148,
  },
  {
    phase: 'fetch',
    error_code: 'MANIFEST_UNKNOWN',
    cause: 'Image tag was deleted or never pushed',
    p50: 600,
    p95: 3600,
    action: 'Check the tag exists in the registry and re-run with a valid reference',
    url: '/runbooks/manifest-unknown',
    confidence: 0.88,
    samples: 77,
  },
  {
    phase: 'restore',
    error_code: 'CACHE_CORRUPT',
    cause: 'Layer cache entry failed checksum verification',
    p50: 120,
    p95: 420,
    action: 'Retry: the corrupt cache entry is evicted automatically',
    url: '/runbooks/cache-corrupt',
    confidence: 0.81,
    samples: 35,
  },
  {
    phase: 'analyze',
    error_code: 'LAYER_EXTRACT_FAILED',
    image_pattern: 'registry\\.acme\\.io/.*:v1.*',
    cause: 'Legacy v1 images use an unsupported whiteout format',
    p50: 1800,
    p95: 7200,
    action: 'Rebuild the image with BuildKit >= 0.12',
    url: '/runbooks/whiteouts',
    confidence: 0.74,
    samples: 21,
  },
  {
    phase: 'analyze',
    error_code: 'OOM_KILLED',
    cause: 'Analyzer ran out of memory on a very large image',
    p50: 900,
    p95: 2700,
    action: 'Retry on the large-worker pool',
    url: '/runbooks/oom',
    confidence: 0.66,
    samples: 12,
  },
  {
    phase: 'policy',
    error_code: 'POLICY_BUNDLE_MISSING',
    cause: 'Policy bundle not published for this tenant',
    p50: 1200,
    p95: 5400,
    action: 'Publish the policy bundle, then retry',
    url: '/runbooks/policy-publish',
    confidence: 0.9,
    samples: 40,
  },
  {
    phase: 'report',
    error_code: 'UPLOAD_TIMEOUT',
    cause: 'Report store slow or unreachable',
    p50: 240,
    p95: 960,
    action: 'Retry; check report-store health if it persists',
    url: '/runbooks/report-store',
    confidence: 0.58,
    samples: 9,
  },
  {
    phase: 'resolve',
    error_code: 'AUTH_EXPIRED',
    cause: 'Registry credentials expired',
    p50: 1800,
    p95: 14400,
    action: 'Rotate the registry credentials in tenant settings',
    url: '/runbooks/registry-credentials',
    confidence: 0.95,
    samples: 63,
  },
  {
    error_code: 'WORKER_LOST',
    cause: 'Worker node was preempted mid-job',
    p50: 60,
    p95: 300,
    action: 'Retry: the job is rescheduled on another node',
    url: '/runbooks/preemption',
    confidence: 0.42,
    samples: 5,
  },
  {
    phase: 'analyze',
    error_code: 'DB_FEED_STALE',
    cause: 'Vulnerability feed older than 48 h',
    p50: 3600,
    p95: 21600,
    action: 'Trigger a feed sync from the admin console',
    url: '/runbooks/feed-sync',
    confidence: 0.25,
    samples: 2,
    expired: true,
  },
];

const ERROR_BY_PHASE: Record<string, string[]> = {
  resolve: ['AUTH_EXPIRED'],
  fetch: ['REGISTRY_RATE_LIMITED', 'MANIFEST_UNKNOWN'],
  restore: ['CACHE_CORRUPT'],
  analyze: ['LAYER_EXTRACT_FAILED', 'OOM_KILLED', 'DB_FEED_STALE'],
  policy: ['POLICY_BUNDLE_MISSING'],
  report: ['UPLOAD_TIMEOUT', 'WORKER_LOST'],
};

function summaryFor(kind: string, phase: string, queuePosition: number, errorCode?: string) {
  switch (kind) {
    case 'queued':
      return `Queued at position ${queuePosition}; a worker is expected shortly`;
    case 'started':
      return 'Picked up by a worker; resolving the image reference';
    case 'phase':
      return `Running ${phase}`;
    case 'blocked':
      return `Blocked in ${phase}: waiting for registry credentials`;
    case 'failed':
      return `Failed in ${phase} with ${errorCode}`;
    case 'succeeded':
      return 'Scan finished; report published';
    case 'canceled':
      return 'Canceled by user';
    default:
      return 'Signal source did not answer; showing the last cached state';
  }
}

export async function seedDemoJobs(sql: Sql, count = 200) {
  const rand = prng(20261124);
  const now = Date.now();
  const runs: { id: string; tenant_id: string; created_at: Date }[] = [];
  const jobs: Record<string, unknown>[] = [];
  const history: Record<string, unknown>[] = [];
  while (jobs.length < count) {
    const tenant = rand.pick(DEMO_TENANTS);
    // Within the last 20 hours: retention removes terminal snapshots a day after their last update.
    const run = {
      id: rand.uuid(),
      tenant_id: tenant.id,
      created_at: new Date(now - rand.int(60, 20 * 3600) * 1000),
    };
    runs.push(run);
    const size = rand.int(1, 4);
    for (let i = 0; i < size && jobs.length < count; i++) {
      // Every kind x phase appears: cycle kinds and phases deterministically first.
      const index = jobs.length;
      const kind = index < KINDS.length * 7 ? KINDS[index % KINDS.length]! : rand.pick(KINDS);
      const phase =
        kind === 'queued'
          ? 'unknown'
          : kind === 'unavailable'
            ? 'unknown'
            : index < 56
              ? (['unknown', ...PHASES] as const)[Math.floor(index / KINDS.length) % 7]!
              : rand.pick(PHASES);
      const effectivePhase =
        phase === 'unknown' && (kind === 'phase' || kind === 'failed') ? 'analyze' : phase;
      const errorCode =
        kind === 'failed' ? rand.pick(ERROR_BY_PHASE[effectivePhase] ?? ['WORKER_LOST']) : undefined;
      const image = rand.pick(IMAGES);
      const queuePosition = rand.int(1, 12);
      const updated = new Date(Math.min(now, run.created_at.getTime() + rand.int(5, 1800) * 1000));
      const terminal = ['failed', 'succeeded', 'canceled'].includes(kind);
      const previous =
        rand.next() < 0.8
          ? {
              status: rand.pick(['succeeded', 'succeeded', 'failed']),
              finished_at: new Date(
                run.created_at.getTime() - rand.int(3600, 86400 * 3) * 1000,
              ).toISOString(),
              findings_count: rand.int(0, 60),
            }
          : null;
      const jobId = rand.uuid();
      history.push(
        ...demoHistory(jobId, tenant.id, kind, effectivePhase, run.created_at, updated, errorCode, image),
      );
      jobs.push({
        job_id: jobId,
        tenant_id: tenant.id,
        run_id: run.id,
        created_at: run.created_at,
        updated_at: updated,
        kind,
        phase: effectivePhase,
        summary: summaryFor(kind, effectivePhase, queuePosition, errorCode),
        eta_seconds: terminal || kind === 'unavailable' ? null : rand.int(20, 900),
        last_known_outcome: previous,
        // Only links that lead somewhere in the console (lib/signals/actions.ts).
        next_actions: [{ label: 'View run', href: `/runs/${run.id}` }],
        diagnostics: {
          ...(kind === 'queued'
            ? { queue_position: queuePosition }
            : { worker_id: `worker-${rand.int(1, 24)}` }),
          retry_count: kind === 'failed' ? rand.int(0, 3) : 0,
          image_reference: image,
          ...(errorCode ? { error_code: errorCode } : {}),
        },
        // The demo simulator moves only jobs marked as its own (db/demo/simulator.ts).
        payload_json: { image_reference: image, [DEMO_MARK]: true },
      });
    }
  }
  await sql`insert into scheduler.runs ${sql(runs)} on conflict do nothing`;
  const inserted = await sql<{ job_id: string }[]>`
    insert into scheduler.first_signal_snapshots
      (job_id, tenant_id, run_id, created_at, updated_at, kind, phase, summary, eta_seconds,
       last_known_outcome, next_actions, diagnostics, payload_json)
    select job_id, tenant_id, run_id, created_at, updated_at, kind, phase, summary, eta_seconds,
       last_known_outcome, next_actions, diagnostics, payload_json
    from jsonb_to_recordset(${sql.json(jobs as never)}) as j(
      job_id uuid, tenant_id uuid, run_id uuid, created_at timestamptz, updated_at timestamptz, kind text,
      phase text, summary text, eta_seconds int, last_known_outcome jsonb, next_actions jsonb,
      diagnostics jsonb, payload_json jsonb)
    on conflict do nothing
    returning job_id`;
  // History for the jobs stored just now (a job seeded before keeps its own). Filtered here rather
  // than by a subquery per row, which Citus cannot run beside a table function.
  const fresh = new Set(inserted.map((r) => r.job_id));
  const newHistory = history.filter((h) => fresh.has(h.job_id as string));
  if (newHistory.length > 0)
    await sql`
      insert into scheduler.first_signal_phase_history (tenant_id, job_id, at, kind, phase, error_code, image_reference)
      select tenant_id, job_id, at, kind, phase, error_code, image_reference
      from jsonb_to_recordset(${sql.json(newHistory as never)}) as h(tenant_id uuid, job_id uuid, at timestamptz, kind text,
        phase text, error_code text, image_reference text)`;
  // Each job's own TTFS measurements, so job pages have a timeline.
  await sql`
    insert into scheduler.ttfs_events (ts, tenant_id, job_id, run_id, surface, event_type, ttfs_ms, cache_hit, signal_source, kind, phase, device, release)
    select s.created_at + make_interval(secs => g * 40), s.tenant_id, s.job_id, s.run_id,
      (array['ui','cli','ci'])[1 + (g + abs(hashtext(s.job_id::text))) % 3],
      case when g = 3 and s.kind = 'failed' then 'signal.error' else 'signal.rendered' end,
      (300 + abs(hashtext(s.job_id::text || g)) % 2600)::int,
      g > 1, case when g > 1 then 'snapshot' else 'cold_start' end, s.kind, s.phase, 'desktop', 'v2.14.1'
    from scheduler.first_signal_snapshots s, generate_series(1, 3) g
    where s.tenant_id in (select id from console.tenants)
      and s.created_at + make_interval(secs => g * 40) <= now()`;
  return { runs: runs.length, jobs: jobs.length };
}

/** The kinds and phases a demo job went through, spread evenly from its start to its last update. */
export function demoHistory(
  jobId: string,
  tenantId: string,
  kind: string,
  phase: string,
  start: Date,
  end: Date,
  errorCode: string | undefined,
  image: string,
) {
  const steps: { kind: string; phase: string }[] = [{ kind: 'queued', phase: 'unknown' }];
  if (kind !== 'queued') {
    const reached = PHASES.indexOf(phase as (typeof PHASES)[number]);
    if (kind !== 'unavailable') steps.push({ kind: 'started', phase: 'resolve' });
    for (let i = 1; i < reached; i++) steps.push({ kind: 'phase', phase: PHASES[i]! });
    if (kind === 'succeeded') {
      for (let i = Math.max(1, reached); i < PHASES.length; i++)
        steps.push({ kind: 'phase', phase: PHASES[i]! });
    }
    const last = steps.at(-1)!;
    if (last.kind !== kind || last.phase !== phase) steps.push({ kind, phase });
  }
  const span = Math.max(0, end.getTime() - start.getTime());
  return steps.map((step, i) => ({
    tenant_id: tenantId,
    job_id: jobId,
    at: new Date(start.getTime() + (steps.length > 1 ? (span * i) / (steps.length - 1) : 0)).toISOString(),
    kind: step.kind,
    phase: step.phase,
    error_code: step.kind === 'failed' ? (errorCode ?? null) : null,
    image_reference: image,
  }));
}

export async function seedDemoSignatures(sql: Sql) {
  const rows = DEMO_TENANTS.flatMap((tenant, t) =>
    DEMO_SIGNATURES.filter((_, i) => t === 0 || i % (t + 1) === 0).map((s) => {
      const pattern = Object.fromEntries(
        Object.entries({ phase: s.phase, error_code: s.error_code, image_pattern: s.image_pattern }).filter(
          ([, v]) => v !== undefined,
        ),
      );
      return {
        tenant_id: tenant.id,
        signature_hash: signatureHash(pattern),
        pattern,
        outcome: {
          likely_cause: s.cause,
          mttr_p50_seconds: s.p50,
          mttr_p95_seconds: s.p95,
          suggested_action: s.action,
          remediation_url: s.url,
        },
        confidence: s.confidence,
        sample_count: s.samples,
        // Signatures with samples have matched before: the last match some hours ago.
        last_matched_at:
          s.samples > 0 ? new Date(Date.now() - (1 + ((t * 7 + s.samples) % 40)) * 3600_000) : null,
        expires_at: s.expired ? new Date(Date.now() - 86400_000) : null,
      };
    }),
  );
  await sql`
    insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome, confidence, sample_count, last_matched_at, expires_at)
    select tenant_id, signature_hash, pattern, outcome, confidence, sample_count, last_matched_at, expires_at
    from jsonb_to_recordset(${sql.json(rows as never)}) as r(tenant_id uuid, signature_hash text, pattern jsonb,
      outcome jsonb, confidence numeric, sample_count int, last_matched_at timestamptz, expires_at timestamptz)
    on conflict (tenant_id, signature_hash) do nothing`;
  return rows.length;
}
