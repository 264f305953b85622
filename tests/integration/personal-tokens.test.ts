import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as me } from '@/app/api/auth/me/route';
import { GET as getJob } from '@/app/api/v1/jobs/[jobId]/signal/route';
import { DELETE as revoke } from '@/app/api/v1/me/tokens/[tokenId]/route';
import { GET as listMine, POST as mint } from '@/app/api/v1/me/tokens/route';
import { POST as createToken } from '@/app/api/v1/tokens/route';
import { newTenant, testSql } from '../helpers/db';
import { testSession, type TestCredentials } from '../helpers/auth';

const sql = testSql();
const mine = newTenant();
const theirs = newTenant();
const jobMine = randomUUID();
const jobTheirs = randomUUID();
let support: TestCredentials;

const base = 'http://console.test';
const post = (headers: Record<string, string>, body: unknown) =>
  mint(
    new Request(`${base}/api/v1/me/tokens`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const read = (job: string, headers: Record<string, string>) =>
  getJob(new Request(`${base}/api/v1/jobs/${job}/signal`, { headers }), {
    params: Promise.resolve({ jobId: job }),
  });

beforeAll(async () => {
  support = await testSession(sql, { role: 'support', tenants: [mine] });
  await testSession(sql, { role: 'support', tenants: [theirs] }); // creates the other tenant
  for (const [job, tenant] of [
    [jobMine, mine],
    [jobTheirs, theirs],
  ] as const)
    await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'queued', 'unknown', 'Queued')`;
});
afterAll(() => sql.end());

describe('personal tokens', () => {
  it('takes the defaults without a body and refuses a body that is not JSON with 400', async () => {
    const someone = await testSession(sql, { role: 'support', tenants: [mine] });
    const send = (body?: string) =>
      mint(
        new Request(`${base}/api/v1/me/tokens`, {
          method: 'POST',
          headers: { ...someone.headers, 'content-type': 'application/json' },
          body,
        }),
      );
    const defaults = await send();
    expect(defaults.status).toBe(201);
    expect((await defaults.json()).name).toBe('ttfs CLI');
    const before = await sql`select count(*)::int as n from console.personal_tokens`;
    const broken = await send('{"name": "laptop",');
    expect(broken.status).toBe(400);
    expect((await sql`select count(*)::int as n from console.personal_tokens`)[0]!.n).toBe(before[0]!.n);
  });

  it('a support engineer mints one from their session; it reads their tenants only', async () => {
    const response = await post(support.headers, { name: 'laptop', expiresInDays: 7 });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.token).toMatch(/^ttfs_/);
    expect(body.scopes).toEqual(['signals:read', 'telemetry:write']);
    const days = (Date.parse(body.expiresAt) - Date.now()) / 86400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    expect((await read(jobMine, bearer(body.token))).status).toBe(200);
    expect((await read(jobTheirs, bearer(body.token))).status).toBe(404);
    const who = await (await me(new Request(`${base}/api/auth/me`, { headers: bearer(body.token) }))).json();
    expect(who).toMatchObject({ kind: 'token', tenants: [mine], expiresAt: body.expiresAt });

    const list = await (
      await listMine(new Request(`${base}/api/v1/me/tokens`, { headers: support.headers }))
    ).json();
    expect(list.tokens).toHaveLength(1);
    expect(list.tokens[0]).toMatchObject({ name: 'laptop', expired: false, revokedAt: null });
    expect(list.tokens[0]).not.toHaveProperty('token');
  });

  it('defaults to 30 days, refuses more than 90, and cannot be minted by a token or a viewer', async () => {
    const made = await (await post(support.headers, {})).json();
    const days = (Date.parse(made.expiresAt) - Date.now()) / 86400_000;
    expect(Math.round(days)).toBe(30);
    const tooLong = await post(support.headers, { expiresInDays: 365 });
    expect(tooLong.status).toBe(422);
    expect((await tooLong.json()).issues[0].path).toBe('expiresInDays');
    expect((await post(bearer(made.token), {})).status).toBe(403);
    const viewer = await testSession(sql, { role: 'viewer', tenants: [mine] });
    expect((await post(viewer.headers, {})).status).toBe(403);
  });

  it('stops working when it expires, when revoked, and when its owner is disabled, demoted or loses the tenant', async () => {
    const a = await (await post(support.headers, { name: 'a' })).json();
    expect((await read(jobMine, bearer(a.token))).status).toBe(200);
    await sql`update console.personal_tokens set expires_at = now() + interval '1 second' where id = ${a.id}`;
    // A direct change tells the caches: a trigger on one server, this call on Citus (docs/scaling.md).
    await sql`select scheduler.ttfs_notify_cache('{"tokens":"all"}')`;
    expect((await read(jobMine, bearer(a.token))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    // Refused even where this process still holds the token in its cache.
    expect((await read(jobMine, bearer(a.token))).status).toBe(401);

    const b = await (await post(support.headers, { name: 'b' })).json();
    const revoked = await revoke(
      new Request(`${base}/api/v1/me/tokens/${b.id}`, { method: 'DELETE', headers: support.headers }),
      { params: Promise.resolve({ tokenId: b.id }) },
    );
    expect(revoked.status).toBe(204);
    expect((await read(jobMine, bearer(b.token))).status).toBe(401);

    const other = await testSession(sql, { role: 'support', tenants: [mine] });
    const c = await (await post(other.headers, { name: 'c' })).json();
    // Someone else's token cannot be revoked through this route.
    const foreign = await revoke(
      new Request(`${base}/api/v1/me/tokens/${c.id}`, { method: 'DELETE', headers: support.headers }),
      { params: Promise.resolve({ tokenId: c.id }) },
    );
    expect(foreign.status).toBe(404);
    // Each token below is read once first, so this process holds it in its cache.
    expect((await read(jobMine, bearer(c.token))).status).toBe(200);
    await sql`update console.users set disabled_at = now() where id = ${other.id}`;
    await sql`select scheduler.ttfs_notify_cache('{"tokens":"all"}')`;
    await expect.poll(async () => (await read(jobMine, bearer(c.token))).status).toBe(401);

    // ... when its owner no longer has the support role ...
    const demoted = await testSession(sql, { role: 'support', tenants: [mine] });
    const d = await (await post(demoted.headers, { name: 'd' })).json();
    expect((await read(jobMine, bearer(d.token))).status).toBe(200);
    await sql`update console.users set role = 'viewer' where id = ${demoted.id}`;
    await sql`select scheduler.ttfs_notify_cache('{"tokens":"all"}')`;
    await expect.poll(async () => (await read(jobMine, bearer(d.token))).status).toBe(401);

    // ... and for the tenants its owner no longer has.
    const moved = await testSession(sql, { role: 'support', tenants: [mine] });
    const e = await (await post(moved.headers, { name: 'e' })).json();
    expect((await read(jobMine, bearer(e.token))).status).toBe(200);
    await sql`delete from console.user_tenants where user_id = ${moved.id}`;
    await sql`select scheduler.ttfs_notify_cache('{"tokens":"all"}')`;
    await expect.poll(async () => (await read(jobMine, bearer(e.token))).status).not.toBe(200);
  });
});

describe('admin tokens', () => {
  it('get an expiry at creation, 90 days unless chosen', async () => {
    const admin = await testSession(sql, { role: 'admin' });
    const create = (body: object) =>
      createToken(
        new Request(`${base}/api/v1/tokens`, {
          method: 'POST',
          headers: { ...admin.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'ci', tenantId: mine, scopes: ['signals:read'], ...body }),
        }),
      );
    const plain = await (await create({})).json();
    expect(Math.round((Date.parse(plain.expiresAt) - Date.now()) / 86400_000)).toBe(90);
    const short = await (await create({ expiresInDays: 7 })).json();
    expect(Math.round((Date.parse(short.expiresAt) - Date.now()) / 86400_000)).toBe(7);
    const bad = await create({ expiresInDays: 0 });
    expect(bad.status).toBe(422);
  });
});
