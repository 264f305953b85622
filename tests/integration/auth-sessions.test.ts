import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as signIn } from '@/app/api/auth/sign-in/route';
import { POST as signOut } from '@/app/api/auth/sign-out/route';
import { GET as me } from '@/app/api/auth/me/route';
import { sha256Hex } from '@/lib/auth/secrets';
import { sessionViewer } from '@/lib/auth/sessions';
import { SIGN_IN_SLOWDOWN_MS } from '@/lib/auth/sign-in';
import { seedDemoUsers } from '@/db/demo/users';
import { DEMO_TENANTS } from '@/db/demo/tenants';
import { testSql } from '../helpers/db';

const sql = testSql();
const base = 'http://console.test';
const acme = DEMO_TENANTS[0];

function signInRequest(body: unknown, headers: Record<string, string> = {}) {
  return new Request(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', host: 'console.test', ...headers },
    body: JSON.stringify(body),
  });
}
const cookieOf = (response: Response) =>
  /ttfs_session=([^;]*)/.exec(response.headers.get('set-cookie') ?? '')?.[1];

beforeAll(async () => {
  for (const t of DEMO_TENANTS)
    await sql`insert into console.tenants (id, slug, name) values (${t.id}, ${t.slug}, ${t.name}) on conflict do nothing`;
  await seedDemoUsers(sql);
  process.env.TTFS_DEMO_USERS = '1';
});
afterAll(async () => {
  delete process.env.TTFS_DEMO_USERS;
  await sql.end();
});

describe('demo sign-in and sessions', () => {
  it('signs a demo user in with an HTTP-only SameSite=Lax cookie whose value is stored only hashed', async () => {
    const response = await signIn(
      signInRequest({ username: 'support', password: 'support-demo', next: '/jobs' }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, next: '/jobs' });
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
    const id = cookieOf(response)!;
    const [row] =
      await sql`select id_hash, expires_at > now() + interval '11 hours' as long_enough from console.sessions where id_hash = ${sha256Hex(id)}`;
    expect(row).toBeDefined();
    expect(row!.long_enough).toBe(true);
    const [{ clear }] = await sql<
      [{ clear: number }]
    >`select count(*)::int as clear from console.sessions where id_hash = ${id}`;
    expect(clear).toBe(0);

    const viewer = await sessionViewer(id);
    expect(viewer).toMatchObject({ kind: 'user', name: 'Sam Support', role: 'support', tenants: [acme.id] });
    const who = await (
      await me(new Request(`${base}/api/auth/me`, { headers: { cookie: `ttfs_session=${id}` } }))
    ).json();
    expect(who).toMatchObject({
      kind: 'user',
      role: 'support',
      tenants: [acme.id],
      scopes: ['telemetry:write', 'signals:read'],
    });
  });

  it('sets Secure on https', async () => {
    const response = await signIn(
      signInRequest({ username: 'sre', password: 'sre-demo' }, { 'x-forwarded-proto': 'https' }),
    );
    expect(response.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('signs out: deletes the session row and clears the cookie', async () => {
    const id = cookieOf(await signIn(signInRequest({ username: 'admin', password: 'admin-demo' })))!;
    expect(await sessionViewer(id)).not.toBeNull();
    const response = await signOut(
      new Request(`${base}/api/auth/sign-out`, {
        method: 'POST',
        headers: { cookie: `ttfs_session=${id}`, origin: base, host: 'console.test' },
      }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toMatch(/ttfs_session=;.*Max-Age=0/);
    expect(await sessionViewer(id)).toBeNull();
    const [{ n }] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from console.sessions where id_hash = ${sha256Hex(id)}`;
    expect(n).toBe(0);
  });

  it('ignores expired sessions and sessions of disabled users', async () => {
    const expired = cookieOf(await signIn(signInRequest({ username: 'sre', password: 'sre-demo' })))!;
    await sql`update console.sessions set expires_at = now() - interval '1 second' where id_hash = ${sha256Hex(expired)}`;
    expect(await sessionViewer(expired)).toBeNull();
    const live = cookieOf(await signIn(signInRequest({ username: 'sre', password: 'sre-demo' })))!;
    await sql`update console.users set disabled_at = now() where username = 'sre'`;
    expect(await sessionViewer(live)).toBeNull();
    await sql`update console.users set disabled_at = null where username = 'sre'`;
    expect(await sessionViewer(live)).not.toBeNull();
  });

  it('refuses wrong passwords, cross-origin sign-in, and password sign-in outside demo mode', async () => {
    expect((await signIn(signInRequest({ username: 'admin', password: 'nope' }))).status).toBe(401);
    expect((await signIn(signInRequest({ username: 'ghost', password: 'nope' }))).status).toBe(401);
    expect(
      (
        await signIn(
          signInRequest({ username: 'admin', password: 'admin-demo' }, { 'sec-fetch-site': 'cross-site' }),
        )
      ).status,
    ).toBe(403);
    expect((await signIn(signInRequest({ username: 'admin' }))).status).toBe(422);
    process.env.TTFS_DEMO_USERS = '0';
    try {
      expect((await signIn(signInRequest({ username: 'admin', password: 'admin-demo' }))).status).toBe(404);
    } finally {
      process.env.TTFS_DEMO_USERS = '1';
    }
  });

  it('refuses a guesser with 429 and Retry-After, never the owner elsewhere, and does not count successes', async () => {
    await sql`delete from console.rate_limits where key like 'signin:%'`;
    // Successful sign-ins are refunded: many in a row never hit the limit.
    for (let i = 0; i < 12; i++)
      expect(
        (
          await signIn(
            signInRequest({ username: 'sre', password: 'sre-demo' }, { 'x-forwarded-for': '10.0.0.1' }),
          )
        ).status,
      ).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push(
        (
          await signIn(
            signInRequest({ username: 'admin', password: `wrong-${i}` }, { 'x-forwarded-for': '10.0.1.1' }),
          )
        ).status,
      );
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    // The guessing client is refused even with the right password ...
    const limited = await signIn(
      signInRequest({ username: 'admin', password: 'admin-demo' }, { 'x-forwarded-for': '10.0.1.1' }),
    );
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
    // ... while the owner, from their own address, signs in.
    const owner = await signIn(
      signInRequest({ username: 'admin', password: 'admin-demo' }, { 'x-forwarded-for': '10.0.2.1' }),
    );
    expect(owner.status).toBe(200);
  });

  it('slows guesses on one account from many addresses without locking its owner out', async () => {
    await sql`delete from console.rate_limits where key like 'signin:%'`;
    for (let i = 0; i < 30; i++) {
      const response = await signIn(
        signInRequest({ username: 'support', password: `wrong-${i}` }, { 'x-forwarded-for': `10.9.${i}.1` }),
      );
      expect(response.status).toBe(401);
    }
    const started = performance.now();
    const slowed = await signIn(
      signInRequest({ username: 'support', password: 'wrong-again' }, { 'x-forwarded-for': '10.9.99.1' }),
    );
    expect(slowed.status).toBe(401);
    expect(performance.now() - started).toBeGreaterThanOrEqual(SIGN_IN_SLOWDOWN_MS - 50);
    const owner = await signIn(
      signInRequest({ username: 'support', password: 'support-demo' }, { 'x-forwarded-for': '10.9.200.1' }),
    );
    expect(owner.status).toBe(200);
  });
});
