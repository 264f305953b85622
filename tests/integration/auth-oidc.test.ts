// A real OpenID Connect issuer on localhost (node:http + jose): discovery,
// authorization endpoint, token endpoint that verifies the PKCE S256 challenge,
// and RS256-signed ID tokens. The console's own start/callback route handlers
// run against it, so the whole code + PKCE + state + nonce flow is exercised.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GET as callback } from '@/app/api/auth/oidc/callback/route';
import { GET as start } from '@/app/api/auth/oidc/start/route';
import { sessionViewer } from '@/lib/auth/sessions';
import { ensureTenant } from '../helpers/auth';
import { newTenant, testSql } from '../helpers/db';

const sql = testSql();
const CLIENT_ID = 'ttfs-console';
const CLIENT_SECRET = randomBytes(16).toString('hex');
const tenantA = newTenant();
const tenantB = newTenant();

interface Grant {
  challenge: string;
  nonce: string;
  redirectUri: string;
  claims: Record<string, unknown>;
}

const issuer = {
  url: '',
  server: null as Server | null,
  key: null as CryptoKey | null,
  jwk: {} as Record<string, unknown>,
  codes: new Map<string, Grant>(),
  /** Claims the next sign-in gets (besides iss, sub, aud, nonce, iat, exp). */
  nextClaims: {} as Record<string, unknown>,
  sub: 'user-1',
  tamperNonce: false,
  tokenRequests: 0,
};

async function readForm(req: import('node:http').IncomingMessage) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function json(res: import('node:http').ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  issuer.key = privateKey;
  issuer.jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  issuer.server = createServer(async (req, res) => {
    const url = new URL(req.url!, issuer.url);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer: issuer.url,
        authorization_endpoint: `${issuer.url}/authorize`,
        token_endpoint: `${issuer.url}/token`,
        jwks_uri: `${issuer.url}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      });
    }
    if (url.pathname === '/jwks') return json(res, 200, { keys: [issuer.jwk] });
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      if (
        q.get('client_id') !== CLIENT_ID ||
        q.get('response_type') !== 'code' ||
        q.get('code_challenge_method') !== 'S256' ||
        !q.get('code_challenge')
      ) {
        return json(res, 400, { error: 'invalid_request' });
      }
      const code = randomBytes(16).toString('hex');
      issuer.codes.set(code, {
        challenge: q.get('code_challenge')!,
        nonce: q.get('nonce') ?? '',
        redirectUri: q.get('redirect_uri')!,
        claims: issuer.nextClaims,
      });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      issuer.tokenRequests++;
      const form = await readForm(req);
      const basic = req.headers.authorization?.startsWith('Basic ')
        ? Buffer.from(req.headers.authorization.slice(6), 'base64')
            .toString()
            .split(':')
            .map(decodeURIComponent)
        : null;
      const [id, secret] = basic ?? [form.get('client_id'), form.get('client_secret')];
      if (id !== CLIENT_ID || secret !== CLIENT_SECRET) return json(res, 401, { error: 'invalid_client' });
      const grant = issuer.codes.get(form.get('code') ?? '');
      issuer.codes.delete(form.get('code') ?? '');
      if (!grant || form.get('redirect_uri') !== grant.redirectUri)
        return json(res, 400, { error: 'invalid_grant' });
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
        return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
      const idToken = await new SignJWT({
        ...grant.claims,
        nonce: issuer.tamperNonce ? 'not-the-nonce' : grant.nonce,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer.url)
        .setSubject(issuer.sub)
        .setAudience(CLIENT_ID)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(issuer.key!);
      return json(res, 200, {
        access_token: randomBytes(16).toString('hex'),
        token_type: 'Bearer',
        expires_in: 300,
        id_token: idToken,
      });
    }
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => issuer.server!.listen(0, '127.0.0.1', resolve));
  issuer.url = `http://127.0.0.1:${(issuer.server!.address() as AddressInfo).port}`;
  process.env.TTFS_OIDC_ISSUER = issuer.url;
  process.env.TTFS_OIDC_CLIENT_ID = CLIENT_ID;
  process.env.TTFS_OIDC_CLIENT_SECRET = CLIENT_SECRET;
  process.env.TTFS_OIDC_ROLES_CLAIM = 'ttfs_roles';
  process.env.TTFS_OIDC_TENANTS_CLAIM = 'ttfs_tenants';
  await ensureTenant(sql, tenantA);
  await ensureTenant(sql, tenantB);
});

afterAll(async () => {
  for (const name of [
    'TTFS_OIDC_ISSUER',
    'TTFS_OIDC_CLIENT_ID',
    'TTFS_OIDC_CLIENT_SECRET',
    'TTFS_OIDC_ROLES_CLAIM',
    'TTFS_OIDC_TENANTS_CLAIM',
  ])
    delete process.env[name];
  issuer.server?.close();
  await sql.end();
});

beforeEach(() => {
  issuer.tamperNonce = false;
  issuer.sub = `user-${randomBytes(4).toString('hex')}`;
});

const HOST = { host: 'console.test' };
const setCookie = (response: Response, name: string) =>
  new RegExp(`${name}=([^;]*)`).exec(response.headers.getSetCookie().join('\n'))?.[1];

/** Browser part: start -> issuer authorize -> the callback URL the issuer redirects to. */
async function beginSignIn(next = '/jobs') {
  const started = await start(
    new Request(`http://console.test/api/auth/oidc/start?next=${encodeURIComponent(next)}`, {
      headers: HOST,
    }),
  );
  expect(started.status).toBe(303);
  const authorizeUrl = new URL(started.headers.get('location')!);
  const loginCookie = setCookie(started, 'ttfs_oidc')!;
  const atIssuer = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(atIssuer.status).toBe(302);
  return { authorizeUrl, loginCookie, callbackUrl: new URL(atIssuer.headers.get('location')!) };
}

function finish(callbackUrl: URL, loginCookie: string | undefined) {
  return callback(
    new Request(callbackUrl, {
      headers: { ...HOST, ...(loginCookie ? { cookie: `ttfs_oidc=${loginCookie}` } : {}) },
    }),
  );
}

describe('OIDC sign-in (authorization code + PKCE) against a local issuer', () => {
  it('sends PKCE S256, state and nonce, keeps the verifier off the browser, and signs the user in with mapped role and tenants', async () => {
    issuer.nextClaims = { name: 'Olga Ops', ttfs_roles: ['viewer', 'support'], ttfs_tenants: [tenantA] };
    const { authorizeUrl, loginCookie, callbackUrl } = await beginSignIn('/jobs?tenant=x');
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe('http://console.test/api/auth/oidc/callback');
    expect(authorizeUrl.searchParams.get('state')).toBeTruthy();
    expect(authorizeUrl.searchParams.get('nonce')).toBeTruthy();
    const [pending] =
      await sql`select code_verifier from console.oidc_logins order by expires_at desc limit 1`;
    expect(authorizeUrl.href).not.toContain(pending!.code_verifier);
    expect(loginCookie).not.toContain(pending!.code_verifier);

    const done = await finish(callbackUrl, loginCookie);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/jobs?tenant=x');
    const viewer = await sessionViewer(setCookie(done, 'ttfs_session'));
    expect(viewer).toMatchObject({ kind: 'user', name: 'Olga Ops', role: 'support', tenants: [tenantA] });
    const [user] = await sql`select oidc_issuer, oidc_subject from console.users where id = ${viewer!.id}`;
    expect(user).toEqual({ oidc_issuer: issuer.url, oidc_subject: issuer.sub });
  });

  it('refreshes role and tenants from the claims at the next sign-in', async () => {
    issuer.nextClaims = { name: 'Otto', ttfs_roles: 'admin', ttfs_tenants: '*' };
    const first = await beginSignIn();
    const one = await sessionViewer(
      setCookie(await finish(first.callbackUrl, first.loginCookie), 'ttfs_session'),
    );
    expect(one).toMatchObject({ role: 'admin', tenants: 'all' });
    issuer.nextClaims = { name: 'Otto', ttfs_roles: 'viewer', ttfs_tenants: [tenantB] };
    const again = await beginSignIn();
    const two = await sessionViewer(
      setCookie(await finish(again.callbackUrl, again.loginCookie), 'ttfs_session'),
    );
    expect(two).toMatchObject({ id: one!.id, role: 'viewer', tenants: [tenantB] });
  });

  it('refuses a tampered state, and a pending login is usable only once', async () => {
    issuer.nextClaims = { ttfs_roles: ['admin'] };
    const { loginCookie, callbackUrl } = await beginSignIn();
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'forged');
    const refused = await finish(forged, loginCookie);
    expect(refused.headers.get('location')).toBe('/sign-in?error=issuer_rejected');
    expect(setCookie(refused, 'ttfs_session')).toBeUndefined();
    // The genuine callback now finds no pending login (it was consumed).
    expect((await finish(callbackUrl, loginCookie)).headers.get('location')).toBe(
      '/sign-in?error=no_pending_login',
    );
  });

  it('refuses a callback from another browser (no login cookie)', async () => {
    issuer.nextClaims = { ttfs_roles: ['admin'] };
    const { callbackUrl } = await beginSignIn();
    const before = issuer.tokenRequests;
    expect((await finish(callbackUrl, undefined)).headers.get('location')).toBe(
      '/sign-in?error=no_pending_login',
    );
    expect((await finish(callbackUrl, randomBytes(30).toString('base64url'))).headers.get('location')).toBe(
      '/sign-in?error=no_pending_login',
    );
    expect(issuer.tokenRequests).toBe(before);
  });

  it('fails when the PKCE verifier does not match the challenge (issuer refuses the code)', async () => {
    issuer.nextClaims = { ttfs_roles: ['admin'] };
    const { loginCookie, callbackUrl } = await beginSignIn();
    await sql`update console.oidc_logins set code_verifier = ${randomBytes(32).toString('base64url')}`;
    const refused = await finish(callbackUrl, loginCookie);
    expect(refused.headers.get('location')).toBe('/sign-in?error=issuer_rejected');
  });

  it('fails when the ID token carries another nonce', async () => {
    issuer.nextClaims = { ttfs_roles: ['admin'] };
    issuer.tamperNonce = true;
    const { loginCookie, callbackUrl } = await beginSignIn();
    expect((await finish(callbackUrl, loginCookie)).headers.get('location')).toBe(
      '/sign-in?error=issuer_rejected',
    );
  });

  it('refuses a user without a console role and creates nobody', async () => {
    issuer.nextClaims = { name: 'Nobody', ttfs_roles: ['employee'] };
    const { loginCookie, callbackUrl } = await beginSignIn();
    const refused = await finish(callbackUrl, loginCookie);
    expect(refused.headers.get('location')).toBe('/sign-in?error=no_role');
    const [{ n }] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from console.users where oidc_subject = ${issuer.sub}`;
    expect(n).toBe(0);
  });
});
