import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as preview } from '@/app/api/v1/failure-signatures/preview/route';
import { listSignatureGroups } from '@/lib/queries/signatures';
import { signatureHash } from '@/lib/signatures/hash';
import { newTenant, testSql } from '../helpers/db';
import { ensureTenant, testSession, type TestCredentials } from '../helpers/auth';

const sql = testSql();
const tenant = newTenant();
const other = newTenant();
let admin: TestCredentials;
let existing: string;

const fail = (job: string, phase: string, diagnostics: object, t = tenant) =>
  sql`select scheduler.upsert_first_signal_snapshot(${job}, ${t}, null, 'failed', ${phase}, 'Failed', null, null, null, ${sql.json(diagnostics as never)})`;
const ask = (body: object, headers = admin.headers) =>
  preview(
    new Request('http://console.test/api/v1/failure-signatures/preview', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
const signature = async (t: string, pattern: Record<string, string>, cause: string, confidence = 0.8) => {
  const [row] = await sql<[{ id: string }]>`
    insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome, confidence, sample_count)
    values (${t}, ${signatureHash(pattern)}, ${sql.json(pattern)}, ${sql.json({ likely_cause: cause })}, ${confidence}, 3)
    returning id`;
  return row.id;
};

beforeAll(async () => {
  await ensureTenant(sql, tenant);
  await ensureTenant(sql, other);
  admin = await testSession(sql, { role: 'admin' });
  existing = await signature(tenant, { error_code: 'PREVIEW_OOM' }, 'Existing OOM cause');
  await fail(randomUUID(), 'analyze', { error_code: 'PREVIEW_OOM', image_reference: 'docker.io/big/one:1' });
  await fail(randomUUID(), 'analyze', { error_code: 'PREVIEW_OOM', image_reference: 'quay.io/big/two:1' });
  await fail(randomUUID(), 'fetch', { error_code: 'PREVIEW_OOM', image_reference: 'docker.io/big/three:1' });
  await fail(randomUUID(), 'analyze', { error_code: 'PREVIEW_OOM', image_reference: 'docker.io/x:1' }, other);
  // Older than 7 days: not previewed.
  await sql`insert into scheduler.first_signal_phase_history (tenant_id, job_id, at, kind, phase, error_code, image_reference)
    values (${tenant}, ${randomUUID()}, now() - interval '8 days', 'failed', 'analyze', 'PREVIEW_OOM', 'docker.io/old:1')`;
});
afterAll(() => sql.end());

describe('signature preview', () => {
  it('lists the failures of the last 7 days a pattern would match, and which another signature matches today', async () => {
    const response = await ask({
      tenant_id: tenant,
      pattern: { phase: 'analyze', error_code: 'PREVIEW_OOM', image_pattern: '^docker\\.io/' },
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.total).toBe(1);
    expect(body.matches[0]).toMatchObject({ phase: 'analyze', imageReference: 'docker.io/big/one:1' });
    expect(body.matches[0].otherSignature).toEqual({ id: existing, likelyCause: 'Existing OOM cause' });
    expect(body.otherCount).toBe(1);

    const wide = await (await ask({ tenant_id: tenant, pattern: { error_code: 'PREVIEW_OOM' } })).json();
    expect(wide.total).toBe(3);
  });

  it('does not count the signature being edited as another one', async () => {
    const body = await (
      await ask({ tenant_id: tenant, pattern: { error_code: 'PREVIEW_OOM' }, signature_id: existing })
    ).json();
    expect(body.total).toBe(3);
    expect(body.otherCount).toBe(0);
  });

  it('refuses a pattern PostgreSQL cannot compile, with the field path, and other people', async () => {
    const bad = await ask({ tenant_id: tenant, pattern: { image_pattern: '([broken' } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).issues[0].path).toBe('pattern.image_pattern');
    const empty = await ask({ tenant_id: tenant, pattern: {} });
    expect(empty.status).toBe(422);
    const support = await testSession(sql, { role: 'support', tenants: [tenant] });
    expect((await ask({ tenant_id: tenant, pattern: { error_code: 'X' } }, support.headers)).status).toBe(
      403,
    );
    const narrow = await testSession(sql, { role: 'admin', tenants: [other] });
    expect((await ask({ tenant_id: tenant, pattern: { error_code: 'X' } }, narrow.headers)).status).toBe(404);
  });
});

describe('signatures grouped by pattern', () => {
  it('shows a pattern several tenants share as one entry with each tenant’s signature', async () => {
    const code = `GROUP_${randomUUID().slice(0, 6)}`;
    await signature(tenant, { error_code: code }, 'Shared cause', 0.9);
    await signature(other, { error_code: code }, 'Shared cause', 0.7);
    const { groups, total } = await listSignatureGroups([tenant, other], {
      sort: 'confidence',
      page: 1,
      q: code,
    });
    expect(total).toBe(1);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.map((s) => s.tenantId).sort()).toEqual([tenant, other].sort());
  });
});
