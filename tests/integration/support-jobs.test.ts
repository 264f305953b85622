import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as listJobsRoute } from '@/app/api/v1/jobs/route';
import { countJobsByKind, listJobs, phaseHistory } from '@/lib/queries/jobs';
import { newTenant, testSql } from '../helpers/db';
import { ensureTenant, testSession, testToken } from '../helpers/auth';

const sql = testSql();
const tenant = newTenant();
const other = newTenant();

const upsert = (job: string, kind: string, phase: string, diagnostics: object = {}, t = tenant) =>
  sql`select job_id, kind, phase from scheduler.upsert_first_signal_snapshot(${job}, ${t}, null, ${kind}, ${phase},
    ${`${kind} ${phase}`}, null, null, null, ${sql.json(diagnostics as never)})`;

beforeAll(async () => {
  await ensureTenant(sql, tenant);
  await ensureTenant(sql, other);
});
afterAll(() => sql.end());

describe('phase history', () => {
  it('records each new kind or phase once, in order, through the schema function', async () => {
    const job = randomUUID();
    await upsert(job, 'queued', 'unknown');
    await upsert(job, 'queued', 'unknown'); // the same state again: no new entry
    await upsert(job, 'started', 'resolve');
    await upsert(job, 'phase', 'fetch', { image_reference: 'docker.io/library/nginx:1' });
    const [row] = await upsert(job, 'failed', 'fetch', {
      error_code: 'REGISTRY_RATE_LIMITED',
      image_reference: 'docker.io/library/nginx:1',
    });
    // The function's result is the snapshot, as before.
    expect(row).toMatchObject({ job_id: job, kind: 'failed', phase: 'fetch' });
    const steps = await phaseHistory(tenant, job);
    expect(steps.map((s) => `${s.kind}/${s.phase}`)).toEqual([
      'queued/unknown',
      'started/resolve',
      'phase/fetch',
      'failed/fetch',
    ]);
    expect(steps.at(-1)!.errorCode).toBe('REGISTRY_RATE_LIMITED');
    for (let i = 1; i < steps.length; i++)
      expect(steps[i]!.at.getTime()).toBeGreaterThanOrEqual(steps[i - 1]!.at.getTime());
    const [stored] = await sql`select image_reference from scheduler.first_signal_phase_history
      where tenant_id = ${tenant} and job_id = ${job} and kind = 'failed'`;
    expect(stored!.image_reference).toBe('docker.io/library/nginx:1');
  });

  it('still notifies ttfs_signal_update with the small payload', async () => {
    const job = randomUUID();
    const listener = testSql({ max: 1 });
    let resolveReceived!: (payload: string) => void;
    const received = new Promise<string>((resolve) => (resolveReceived = resolve));
    // listen() resolves once the LISTEN is active, so the upsert below cannot precede it.
    await listener.listen('ttfs_signal_update', (payload) => {
      if (payload.includes(job)) resolveReceived(payload);
    });
    await upsert(job, 'queued', 'unknown');
    expect(JSON.parse(await received)).toEqual({
      job_id: job,
      tenant_id: tenant,
      kind: 'queued',
      phase: 'unknown',
    });
    await listener.end();
  });

  it('is kept per tenant: another tenant sees none of it', async () => {
    const job = randomUUID();
    await upsert(job, 'queued', 'unknown');
    expect(await phaseHistory(other, job)).toEqual([]);
  });
});

describe('jobs list search', () => {
  const failed = randomUUID();
  const running = randomUUID();
  beforeAll(async () => {
    await upsert(failed, 'failed', 'analyze', {
      error_code: 'OOM_KILLED',
      image_reference: 'registry.example.test/ml/trainer:v9',
    });
    await upsert(running, 'phase', 'fetch', { image_reference: 'docker.io/library/redis:7' });
    await upsert(randomUUID(), 'failed', 'analyze', { error_code: 'OOM_KILLED' }, other);
  });

  it('finds a job by the 8 characters the pages show, and by a longer prefix', async () => {
    for (const q of [failed.slice(0, 8), failed.slice(0, 13), failed.toUpperCase()]) {
      const rows = await listJobs([tenant], { q });
      expect(
        rows.map((r) => r.job_id),
        q,
      ).toEqual([failed]);
    }
    // Fewer than 8 characters is not an id search.
    expect(await listJobs([tenant], { q: failed.slice(0, 6) })).toEqual([]);
  });

  it('finds jobs by image prefix and by error code, in the given tenants only', async () => {
    expect((await listJobs([tenant], { q: 'registry.example.test/ml' })).map((r) => r.job_id)).toEqual([
      failed,
    ]);
    expect((await listJobs([tenant], { q: 'oom_killed' })).map((r) => r.job_id)).toEqual([failed]);
    expect((await listJobs([tenant, other], { q: 'OOM_KILLED' })).length).toBe(2);
    // LIKE wildcards in the search are literal characters.
    expect(await listJobs([tenant], { q: '%' })).toEqual([]);
  });

  it('returns when each job started and counts per kind', async () => {
    const [row] = await listJobs([tenant], { q: running.slice(0, 8) });
    expect(row!.created_at).toBeInstanceOf(Date);
    expect(row!.surfaces).toEqual([]);
    const counts = await countJobsByKind([tenant]);
    expect(counts.failed).toBeGreaterThanOrEqual(1);
    expect(counts.phase).toBeGreaterThanOrEqual(1);
  });

  it('answers GET /api/v1/jobs for a token of the tenant, never with another tenant’s jobs', async () => {
    const reader = await testToken(sql, { tenantId: tenant, scopes: ['signals:read'] });
    const response = await listJobsRoute(
      new Request(`http://console.test/api/v1/jobs?q=OOM_KILLED`, { headers: reader.headers }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.jobs.map((j: { jobId: string }) => j.jobId)).toEqual([failed]);
    expect(body.jobs[0]).toMatchObject({ kind: 'failed', diagnostics: { error_code: 'OOM_KILLED' } });
    expect(body.counts.failed).toBe(2); // this job and the one of the history test
    const counts = await listJobsRoute(
      new Request(`http://console.test/api/v1/jobs?counts=only`, { headers: reader.headers }),
    );
    expect(await counts.json()).not.toHaveProperty('jobs');
    // A search PostgreSQL cannot store is refused by name, like every other list's.
    const hostile = await listJobsRoute(
      new Request(`http://console.test/api/v1/jobs?q=%00`, { headers: reader.headers }),
    );
    expect(hostile.status).toBe(422);
    expect((await hostile.json()).issues[0].path).toBe('q');
    // `tenant` names one of the caller's tenants by id or slug; any other is not found.
    const own = await listJobsRoute(
      new Request(`http://console.test/api/v1/jobs?tenant=${tenant}&q=OOM_KILLED`, {
        headers: reader.headers,
      }),
    );
    expect((await own.json()).jobs.map((j: { jobId: string }) => j.jobId)).toEqual([failed]);
    const other = await listJobsRoute(
      new Request(`http://console.test/api/v1/jobs?tenant=${newTenant()}`, { headers: reader.headers }),
    );
    expect(other.status).toBe(404);
  });

  it('refuses people below support and unauthenticated callers', async () => {
    const viewer = await testSession(sql, { role: 'viewer', tenants: [tenant] });
    expect(
      (await listJobsRoute(new Request('http://console.test/api/v1/jobs', { headers: viewer.headers })))
        .status,
    ).toBe(403);
    expect((await listJobsRoute(new Request('http://console.test/api/v1/jobs'))).status).toBe(401);
  });
});
