import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertTenantWritable, authorize } from '@/lib/auth';
import { sha256Hex } from '@/lib/auth/secrets';
import { ApiError } from '@/lib/errors';
import { DELETE } from '@/app/api/v1/tokens/[tokenId]/route';
import { GET, POST } from '@/app/api/v1/tokens/route';
import { newTenant, testSql } from '../helpers/db';
import { ensureTenant, testSession, testToken } from '../helpers/auth';

const sql = testSql();
const tenantA = newTenant();
const tenantB = newTenant();
const url = 'http://console.test/api/v1/tokens';

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
}

beforeAll(async () => {
  await ensureTenant(sql, tenantA);
  await ensureTenant(sql, tenantB);
});
afterAll(() => sql.end());

describe('API tokens', () => {
  it('are created by admins, shown once, stored only as SHA-256 with a visible prefix', async () => {
    const admin = await testSession(sql, { role: 'admin' });
    const response = await POST(
      new Request(url, {
        method: 'POST',
        headers: { ...admin.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ci', tenantId: tenantA, scopes: ['telemetry:write', 'signals:read'] }),
      }),
    );
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.token).toMatch(/^ttfs_/);
    const [row] =
      await sql`select token_hash, token_prefix, tenant_id, scopes, created_by from console.api_tokens where id = ${body.id}`;
    expect(row!.token_hash).toBe(sha256Hex(body.token));
    expect(row!.token_prefix).toBe(body.token.slice(0, 12));
    expect(row!.tenant_id).toBe(tenantA);
    expect(row!.scopes).toEqual(['telemetry:write', 'signals:read']);
    expect(row!.created_by).toBe(admin.id);
    // Nowhere in the table is the clear token.
    const [{ found }] = await sql<
      [{ found: number }]
    >`select count(*)::int as found from console.api_tokens t where t::text like ${`%${body.token.slice(12)}%`}`;
    expect(found).toBe(0);

    const list = await (await GET(new Request(url, { headers: admin.headers }))).json();
    const listed = list.tokens.find((t: { id: string }) => t.id === body.id);
    expect(listed.prefix).toBe(body.token.slice(0, 12));
    expect(JSON.stringify(list)).not.toContain(body.token);
  });

  it('authenticate machines, record last use, and stop working the moment they are revoked', async () => {
    const admin = await testSession(sql, { role: 'admin' });
    const created = await (
      await POST(
        new Request(url, {
          method: 'POST',
          headers: admin.headers,
          body: JSON.stringify({ name: 'scheduler', tenantId: tenantA, scopes: ['signals:read'] }),
        }),
      )
    ).json();
    const bearer = { authorization: `Bearer ${created.token}` };
    const viewer = await authorize(new Request('http://console.test/x', { headers: bearer }), {
      scope: 'signals:read',
    });
    expect(viewer).toMatchObject({
      kind: 'token',
      id: created.id,
      tenants: [tenantA],
      scopes: ['signals:read'],
    });
    const [used] = await sql`select last_used_at from console.api_tokens where id = ${created.id}`;
    expect(used!.last_used_at).toBeInstanceOf(Date);

    const revoked = await DELETE(
      new Request(`${url}/${created.id}`, { method: 'DELETE', headers: admin.headers }),
      { params: Promise.resolve({ tokenId: created.id }) },
    );
    expect(revoked.status).toBe(204);
    expect(
      await statusOf(
        authorize(new Request('http://console.test/x', { headers: bearer }), { scope: 'signals:read' }),
      ),
    ).toBe(401);
    const [row] = await sql`select revoked_at, revoked_by from console.api_tokens where id = ${created.id}`;
    expect(row!.revoked_at).toBeInstanceOf(Date);
    expect(row!.revoked_by).toBe(admin.id);
  });

  it('are refused for a missing scope, a role-only endpoint and another tenant', async () => {
    const machine = await testToken(sql, { tenantId: tenantA, scopes: ['telemetry:write'] });
    const request = () => new Request('http://console.test/x', { method: 'POST', headers: machine.headers });
    expect(await statusOf(authorize(request(), { scope: 'signals:read' }))).toBe(403);
    expect(await statusOf(authorize(request(), { role: 'viewer' }))).toBe(403);
    const viewer = await authorize(request(), { scope: 'telemetry:write' });
    expect(() => assertTenantWritable(viewer, tenantA)).not.toThrow();
    expect(() => assertTenantWritable(viewer, tenantB)).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('reject unknown and malformed bearer tokens without falling back to the cookie', async () => {
    const admin = await testSession(sql, { role: 'admin' });
    expect(
      await statusOf(
        authorize(
          new Request('http://console.test/x', {
            headers: { authorization: 'Bearer ttfs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
          }),
        ),
      ),
    ).toBe(401);
    expect(
      await statusOf(
        authorize(
          new Request('http://console.test/x', {
            headers: { ...admin.headers, authorization: 'Bearer nope' },
          }),
        ),
      ),
    ).toBe(401);
    expect(await statusOf(authorize(new Request('http://console.test/x')))).toBe(401);
  });

  it('can only be managed by admins, for tenants they see, from the same origin', async () => {
    const support = await testSession(sql, { role: 'support' });
    const limitedAdmin = await testSession(sql, { role: 'admin', tenants: [tenantA] });
    const body = (tenantId: string) => JSON.stringify({ name: 'x', tenantId, scopes: ['signals:read'] });
    expect(
      (await POST(new Request(url, { method: 'POST', headers: support.headers, body: body(tenantA) })))
        .status,
    ).toBe(403);
    expect((await GET(new Request(url))).status).toBe(401);
    expect(
      (await POST(new Request(url, { method: 'POST', headers: limitedAdmin.headers, body: body(tenantB) })))
        .status,
    ).toBe(403);
    const crossSite = await POST(
      new Request(url, {
        method: 'POST',
        headers: { ...limitedAdmin.headers, 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        body: body(tenantA),
      }),
    );
    expect(crossSite.status).toBe(403);
    const invalid = await POST(
      new Request(url, {
        method: 'POST',
        headers: limitedAdmin.headers,
        body: JSON.stringify({ name: '', tenantId: 'nope', scopes: ['root'] }),
      }),
    );
    expect(invalid.status).toBe(422);
    const issues = (await invalid.json()).issues.map((i: { path: string }) => i.path);
    expect(issues).toEqual(expect.arrayContaining(['name', 'tenantId', 'scopes.0']));

    // A token of tenant B is invisible (404) to the admin limited to tenant A.
    const other = await testToken(sql, { tenantId: tenantB, scopes: ['signals:read'] });
    const own = await testToken(sql, { tenantId: tenantA, scopes: ['signals:read'] });
    const hidden = await DELETE(
      new Request(`${url}/${other.id}`, { method: 'DELETE', headers: limitedAdmin.headers }),
      { params: Promise.resolve({ tokenId: other.id }) },
    );
    expect(hidden.status).toBe(404);
    const listed = await (await GET(new Request(url, { headers: limitedAdmin.headers }))).json();
    const ids = listed.tokens.map((t: { id: string }) => t.id);
    expect(ids).toContain(own.id);
    expect(ids).not.toContain(other.id);
    expect(listed.tokens.every((t: { tenantId: string }) => t.tenantId === tenantA)).toBe(true);
  });

  it('are rate limited on ingest per token with 429 and Retry-After', async () => {
    const previous = process.env.TTFS_INGEST_RATE;
    process.env.TTFS_INGEST_RATE = '2';
    try {
      const machine = await testToken(sql, { tenantId: tenantA, scopes: ['telemetry:write'] });
      const other = await testToken(sql, { tenantId: tenantA, scopes: ['telemetry:write'] });
      const send = (m: { headers: Record<string, string> }) =>
        authorize(new Request('http://console.test/x', { method: 'POST', headers: m.headers }), {
          scope: 'telemetry:write',
        });
      // Burst of 2x the rate, then refused.
      for (let i = 0; i < 4; i++) await send(machine);
      const refused = await send(machine).catch((e: ApiError) => e);
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).status).toBe(429);
      expect(Number((refused as ApiError).headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
      // Another token has its own bucket.
      await expect(send(other)).resolves.toMatchObject({ id: other.id });
    } finally {
      if (previous === undefined) delete process.env.TTFS_INGEST_RATE;
      else process.env.TTFS_INGEST_RATE = previous;
    }
  });
});
