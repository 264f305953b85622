import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { GET } from '@/app/api/v1/jobs/[jobId]/signal/route';
import { signatureHash } from '@/lib/signatures/hash';
import { newTenant, testSql } from '../helpers/db';
import { eventually } from '../helpers/wait';
import { testToken, type TestCredentials } from '../helpers/auth';

// On Citus a plain UPDATE of a signature sends no invalidation (the console's writers do): docs/scaling.md.
const onCitus = inject('engine') === 'citus';

const sql = testSql();
const tenant = newTenant();
let reader: TestCredentials;
let signatureId: string;

const fail = (job: string, diagnostics: Record<string, string>, phase = 'fetch') =>
  sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'failed', ${phase}, 'Failed', null, null, null, ${sql.json(diagnostics)})`;
const get = async (job: string) => {
  const response = await GET(
    new Request(`http://console.test/api/v1/jobs/${job}/signal`, { headers: reader.headers }),
    { params: Promise.resolve({ jobId: job }) },
  );
  return { response, body: await response.json() };
};

beforeAll(async () => {
  reader = await testToken(sql, { tenantId: tenant, scopes: ['signals:read'] });
  const pattern = { phase: 'fetch', error_code: 'REGISTRY_RATE_LIMITED', image_pattern: '^docker\\.io/' };
  const [row] = await sql<[{ id: string }]>`
    insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome, confidence, sample_count)
    values (${tenant}, ${signatureHash(pattern)}, ${sql.json(pattern)}, ${sql.json({ likely_cause: 'Docker Hub rate limiting', mttr_p50_seconds: 300, mttr_p95_seconds: 900, suggested_action: 'Wait and retry', remediation_url: '/docs/troubleshooting/rate-limits' })}, 0.9, 10)
    returning id`;
  signatureId = row.id;
});
afterAll(() => sql.end());

describe('failure signature matching on failure', () => {
  it('matches when a snapshot turns failed, records the match, and enriches the signal', async () => {
    const job = randomUUID();
    await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'phase', 'fetch', 'Running fetch')`;
    await fail(job, { error_code: 'REGISTRY_RATE_LIMITED', image_reference: 'docker.io/library/nginx:1' });
    const [snapshot] =
      await sql`select payload_json from scheduler.first_signal_snapshots where job_id = ${job}`;
    expect(snapshot!.payload_json.failure_match).toMatchObject({
      signature_id: signatureId,
      likely_cause: 'Docker Hub rate limiting',
      matched: true,
    });
    const [signature] =
      await sql`select sample_count, last_matched_at from scheduler.failure_signatures where id = ${signatureId}`;
    expect(signature!.sample_count).toBe(11);
    expect(signature!.last_matched_at).not.toBeNull();

    const { response, body } = await get(job);
    expect(response.headers.get('x-firstsignal-source')).toBe('failure_index');
    expect(body.prediction).toMatchObject({
      signatureId,
      likelyCause: 'Docker Hub rate limiting',
      mttrP50Seconds: 300,
      mttrP95Seconds: 900,
      suggestedAction: 'Wait and retry',
      // A runbook link from before runbooks lived in the console leads to its page now.
      remediationUrl: '/runbooks/rate-limits',
      confidence: 0.9,
    });
    // The console cannot retry a job: only the runbook is offered.
    expect(body.nextActions).toEqual([{ label: 'Open runbook', href: '/runbooks/rate-limits' }]);

    // Writing the same failure again does not count it twice.
    await fail(job, { error_code: 'REGISTRY_RATE_LIMITED', image_reference: 'docker.io/library/nginx:1' });
    const [again] =
      await sql`select sample_count from scheduler.failure_signatures where id = ${signatureId}`;
    expect(again!.sample_count).toBe(11);
  });

  it('says plainly when nothing matched', async () => {
    const job = randomUUID();
    await fail(job, { error_code: 'SOMETHING_ELSE', image_reference: 'docker.io/x:1' });
    const [snapshot] =
      await sql`select payload_json from scheduler.first_signal_snapshots where job_id = ${job}`;
    expect(snapshot!.payload_json.failure_match).toMatchObject({ matched: false });
    const { response, body } = await get(job);
    expect(response.headers.get('x-firstsignal-source')).toBe('snapshot');
    expect(body.prediction).toBeNull();
  });

  it.skipIf(onCitus)('follows the signature being disabled and enabled again', async () => {
    const job = randomUUID();
    await fail(job, { error_code: 'REGISTRY_RATE_LIMITED', image_reference: 'docker.io/library/redis:7' });
    expect((await get(job)).body.prediction?.likelyCause).toBe('Docker Hub rate limiting');
    // Written by plain SQL, as another instance would: visible once the invalidation message arrives.
    await sql`update scheduler.failure_signatures set enabled = false where id = ${signatureId}`;
    expect(await eventually(async () => (await get(job)).body.prediction, null)).toBeNull();
    await sql`update scheduler.failure_signatures set enabled = true where id = ${signatureId}`;
    expect(
      await eventually(async () => (await get(job)).body.prediction?.likelyCause, 'Docker Hub rate limiting'),
    ).toBe('Docker Hub rate limiting');
  });

  it('drops the match when the job is retried', async () => {
    const job = randomUUID();
    await fail(job, { error_code: 'REGISTRY_RATE_LIMITED', image_reference: 'docker.io/a:1' });
    await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'queued', 'unknown', 'Retrying')`;
    const [snapshot] =
      await sql`select payload_json from scheduler.first_signal_snapshots where job_id = ${job}`;
    expect(snapshot!.payload_json.failure_match).toBeUndefined();
  });
});
