import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETE, GET as getOne, PATCH } from '@/app/api/v1/failure-signatures/[signatureId]/route';
import { POST as matchPost } from '@/app/api/v1/failure-signatures/match/route';
import { GET as list, POST } from '@/app/api/v1/failure-signatures/route';
import { signatureHash } from '@/lib/signatures/hash';
import { newTenant, testSql } from '../helpers/db';
import { testSession, type TestCredentials } from '../helpers/auth';

const sql = testSql();
const tenant = newTenant();
const other = newTenant();
let admin: TestCredentials;
let support: TestCredentials;
let otherAdmin: TestCredentials;
const base = 'http://localhost/api/v1/failure-signatures';
const json = (creds: TestCredentials) => ({ ...creds.headers, 'content-type': 'application/json' });
const ctx = (id: string) => ({ params: Promise.resolve({ signatureId: id }) });

const body = (overrides: Record<string, unknown> = {}) => ({
  tenant_id: tenant,
  pattern: { phase: 'fetch', error_code: `E_${randomUUID().slice(0, 8)}`, image_pattern: '^docker\\.io/' },
  outcome: {
    likely_cause: 'Rate limited',
    mttr_p50_seconds: 300,
    mttr_p95_seconds: 900,
    suggested_action: 'Retry',
    remediation_url: '/docs/x',
  },
  confidence: 0.8,
  reason: 'seen twice this week',
  ...overrides,
});
const create = (b: unknown, creds = admin) =>
  POST(new Request(base, { method: 'POST', headers: json(creds), body: JSON.stringify(b) }));
const patch = (id: string, b: unknown, creds = admin) =>
  PATCH(
    new Request(`${base}/${id}`, { method: 'PATCH', headers: json(creds), body: JSON.stringify(b) }),
    ctx(id),
  );
const audit = (id: string) =>
  sql`select action, reason, actor_name, before, after from console.signature_audit where signature_id = ${id} order by id`;

beforeAll(async () => {
  admin = await testSession(sql, { role: 'admin', tenants: [tenant], name: 'Alice Admin' });
  support = await testSession(sql, { role: 'support', tenants: [tenant] });
  otherAdmin = await testSession(sql, { role: 'admin', tenants: [other] });
});
afterAll(() => sql.end());

describe('failure signatures API', () => {
  it('creates with the canonical hash and audits who, what and why', async () => {
    const input = body();
    const response = await create(input);
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created.signatureHash).toBe(signatureHash(input.pattern));
    const rows = await audit(created.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'create',
      reason: 'seen twice this week',
      actor_name: 'Alice Admin',
      before: null,
    });
    expect(rows[0]!.after.pattern).toEqual(input.pattern);
  });

  it('answers 409 for the same pattern in the same tenant, whatever the key order', async () => {
    const input = body();
    expect((await create(input)).status).toBe(201);
    const reordered = {
      ...input,
      pattern: {
        image_pattern: input.pattern.image_pattern,
        error_code: input.pattern.error_code,
        phase: 'fetch',
      },
    };
    const response = await create(reordered);
    expect(response.status).toBe(409);
    expect((await response.json()).message).toMatch(/already exists/);
  });

  it('validates the regex in PostgreSQL and shows its message; at most 256 characters', async () => {
    const bad = await create(body({ pattern: { error_code: 'X', image_pattern: '([unclosed' } }));
    expect(bad.status).toBe(422);
    const issue = (await bad.json()).issues[0];
    expect(issue.path).toBe('pattern.image_pattern');
    expect(issue.message).toMatch(/PostgreSQL cannot compile.*(brackets|parentheses|invalid)/i);
    const long = await create(body({ pattern: { image_pattern: 'a'.repeat(257) } }));
    expect(long.status).toBe(422);
    expect((await long.json()).issues[0].path).toBe('pattern.image_pattern');
    const empty = await create(body({ pattern: {} }));
    expect(empty.status).toBe(422);
    const confidence = await create(body({ confidence: 1.5 }));
    expect((await confidence.json()).issues[0].path).toBe('confidence');
  });

  it('audits enable, disable and edits with before and after', async () => {
    const { id } = await (await create(body())).json();
    expect((await patch(id, { enabled: false, reason: 'noisy' })).status).toBe(200);
    expect((await patch(id, { enabled: true })).status).toBe(200);
    expect((await patch(id, { confidence: 0.4, outcome: { likely_cause: 'Registry outage' } })).status).toBe(
      200,
    );
    const rows = await audit(id);
    expect(rows.map((r) => r.action)).toEqual(['create', 'disable', 'enable', 'edit']);
    expect(rows[1]!.reason).toBe('noisy');
    expect(rows[3]!.before.confidence).toBe(0.8);
    expect(rows[3]!.after.confidence).toBe(0.4);
    const detail = await (
      await getOne(new Request(`${base}/${id}`, { headers: admin.headers }), ctx(id))
    ).json();
    expect(detail.history).toHaveLength(4);
  });

  it('soft-deletes by default and hard-deletes on request, auditing both', async () => {
    const { id } = await (await create(body())).json();
    const soft = await DELETE(
      new Request(`${base}/${id}?reason=obsolete`, { method: 'DELETE', headers: admin.headers }),
      ctx(id),
    );
    expect(soft.status).toBe(200);
    expect((await soft.json()).enabled).toBe(false);
    const hard = await DELETE(
      new Request(`${base}/${id}?hard=true`, { method: 'DELETE', headers: admin.headers }),
      ctx(id),
    );
    expect(hard.status).toBe(204);
    expect((await audit(id)).map((r) => r.action)).toEqual(['create', 'disable', 'delete']);
  });

  it('refuses non-admins (403) and hides other tenants (404)', async () => {
    const { id } = await (await create(body())).json();
    expect((await create(body(), support)).status).toBe(403);
    expect((await patch(id, { enabled: false }, support)).status).toBe(403);
    expect((await patch(id, { enabled: false }, otherAdmin)).status).toBe(404);
    expect(
      (await getOne(new Request(`${base}/${id}`, { headers: otherAdmin.headers }), ctx(id))).status,
    ).toBe(404);
    expect((await create(body({ tenant_id: other }))).status).toBe(403);
    const listed = await (await list(new Request(base, { headers: otherAdmin.headers }))).json();
    expect(listed.rows.some((r: { id: string }) => r.id === id)).toBe(false);
  });

  it('explains which signature would match and why the others do not', async () => {
    const code = `E_${randomUUID().slice(0, 8)}`;
    const strong = await (
      await create(
        body({
          pattern: { phase: 'analyze', error_code: code },
          confidence: 0.9,
          outcome: { likely_cause: 'strong' },
        }),
      )
    ).json();
    const weak = await (
      await create(
        body({ pattern: { error_code: code }, confidence: 0.3, outcome: { likely_cause: 'weak' } }),
      )
    ).json();
    const other_ = await (
      await create(
        body({
          pattern: { phase: 'fetch', error_code: code },
          confidence: 0.95,
          outcome: { likely_cause: 'wrong phase' },
        }),
      )
    ).json();
    const response = await matchPost(
      new Request(`${base}/match`, {
        method: 'POST',
        headers: json(admin),
        body: JSON.stringify({ tenant_id: tenant, phase: 'analyze', error_code: code }),
      }),
    );
    const result = await response.json();
    expect(result.winner).toBe(strong.id);
    const byId = Object.fromEntries(result.explanations.map((e: { id: string }) => [e.id, e]));
    expect(byId[weak.id].reasons[0]).toMatch(/higher confidence/);
    expect(byId[other_.id].reasons).toContain('phase differs');
  });
});
