// Access matrix: every route handler (each exported method) and every page in
// app/, found by walking the tree at test time, against every kind of caller:
// signed out, each role, a token with each single scope, and a token of another
// tenant. Requests go to the running server (proxy.ts + handlers), so the
// statuses are the ones clients get.
//
// A route without a row in EXPECTED still gets the baseline check (signed-out
// callers are refused) and makes the "every route is declared" test fail with
// the rows to add.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { TENANTS } from './auth-helpers';
import { appDatabase } from './db';

type Caller =
  | 'anonymous'
  | 'viewer'
  | 'support'
  | 'admin'
  | 'token:telemetry:write'
  | 'token:signals:write'
  | 'token:signals:read'
  | 'token:other-tenant';
const CALLERS: Caller[] = [
  'anonymous',
  'viewer',
  'support',
  'admin',
  'token:telemetry:write',
  'token:signals:write',
  'token:signals:read',
  'token:other-tenant',
];

/** 'ok' = got past authentication and authorization (not 401/403, no 5xx); 'sign-in' = 307 to /sign-in; 'home' = 307 to /. */
type Expect = 'ok' | 'sign-in' | 'home' | 401 | 403 | 404 | 303;

const all = (value: Expect): Record<Caller, Expect> =>
  Object.fromEntries(CALLERS.map((c) => [c, value])) as Record<Caller, Expect>;
const people = (viewer: Expect, support: Expect, admin: Expect, tokens: Expect): Record<Caller, Expect> => ({
  anonymous: 401,
  viewer,
  support,
  admin,
  'token:telemetry:write': tokens,
  'token:signals:write': tokens,
  'token:signals:read': tokens,
  'token:other-tenant': tokens,
});
const page = (viewer: Expect, support: Expect, admin: Expect): Record<Caller, Expect> => ({
  ...people(viewer, support, admin, 'sign-in'),
  anonymous: 'sign-in',
});

// Tenant-scoped resources in the URL are Acme's; the other-tenant token is Globex's.
const EXPECTED: Record<string, Record<Caller, Expect>> = {
  // Pages: tokens are not sessions, so they are sent to sign-in like anyone signed out.
  'GET /': page('ok', 'ok', 'ok'),
  'GET /jobs': page(403, 'ok', 'ok'),
  'GET /jobs/[jobId]': page(403, 'ok', 'ok'),
  'GET /signatures': page(403, 403, 'ok'),
  'GET /admin/tokens': page(403, 403, 'ok'),
  'GET /admin/retention': page(403, 403, 'ok'),
  'GET /forbidden': all('ok'),
  'GET /sign-in': { ...all('ok'), viewer: 'home', support: 'home', admin: 'home' },
  // Public endpoints.
  'GET /api/health': all('ok'),
  // Prometheus: open in demo mode (the e2e server); TTFS_METRICS_TOKEN otherwise.
  'GET /api/metrics': all('ok'),
  'POST /api/auth/sign-in': all('ok'),
  'POST /api/auth/sign-out': all(303),
  'GET /api/auth/oidc/start': all(303),
  'GET /api/auth/oidc/callback': all(303),
  // Anyone authenticated.
  'GET /api/auth/me': { ...all('ok'), anonymous: 401 },
  // Token administration: admins only, never tokens.
  'GET /api/v1/tokens': people(403, 403, 'ok', 403),
  'POST /api/v1/tokens': people(403, 403, 'ok', 403),
  'DELETE /api/v1/tokens/[tokenId]': people(403, 403, 'ok', 403),
  // Job signal API (docs/product.md): support and up or signals:read; another tenant's job is 404.
  'GET /api/v1/jobs/[jobId]/signal': {
    ...people(403, 'ok', 'ok', 403),
    'token:signals:read': 'ok',
    'token:other-tenant': 404,
  },
  'GET /api/v1/runs/[runId]/signal': {
    ...people(403, 'ok', 'ok', 403),
    'token:signals:read': 'ok',
    'token:other-tenant': 404,
  },
  'PUT /api/v1/jobs/[jobId]/signal': {
    ...people(403, 403, 403, 403),
    'token:signals:write': 'ok',
    'token:other-tenant': 404,
  },
  // The scanning platform's API (docs/compat.md), sent with X-Tenant-Id: Acme. The same readers;
  // a token of another tenant asking for Acme gets 404, as for an unknown run.
  ...Object.fromEntries(
    [
      'GET /api/v1/orchestrator/runs/[runId]/first-signal',
      'GET /api/v1/jobengine/runs/[runId]/first-signal',
      'GET /api/v1/orchestrator/stream/runs/[runId]',
      'GET /api/v1/jobengine/stream/runs/[runId]',
    ].map((route) => [
      route,
      { ...people(403, 'ok', 'ok', 403), 'token:signals:read': 'ok', 'token:other-tenant': 404 },
    ]),
  ),
  // Live updates: the same readers; a token of another tenant gets its own tenant's feed.
  'GET /api/v1/stream/signals': {
    ...people(403, 'ok', 'ok', 403),
    'token:signals:read': 'ok',
    'token:other-tenant': 'ok',
  },
  'POST /api/v1/stream/signals/reset': people(403, 403, 'ok', 403),
  // Telemetry: every person (the console reports its own TTFS) and telemetry:write tokens.
  'POST /api/v1/telemetry/ttfs': {
    ...people('ok', 'ok', 'ok', 403),
    'token:telemetry:write': 'ok',
    'token:other-tenant': 'ok',
  },
  // Dashboard data: any signed-in person.
  'GET /api/v1/dashboard/series': people('ok', 'ok', 'ok', 403),
  // Failure signatures: admins only, pages and API alike (support sees a
  // failed job's prediction on the job, not the signature list).
  'GET /signatures/new': page(403, 403, 'ok'),
  'GET /signatures/[signatureId]': page(403, 403, 'ok'),
  'GET /api/v1/failure-signatures': people(403, 403, 'ok', 403),
  'POST /api/v1/failure-signatures': people(403, 403, 'ok', 403),
  'GET /api/v1/failure-signatures/[signatureId]': people(403, 403, 'ok', 403),
  'PATCH /api/v1/failure-signatures/[signatureId]': people(403, 403, 'ok', 403),
  'DELETE /api/v1/failure-signatures/[signatureId]': people(403, 403, 'ok', 403),
  'POST /api/v1/failure-signatures/match': people(403, 403, 'ok', 403),
  'POST /api/v1/failure-signatures/preview': people(403, 403, 'ok', 403),
  // Support pages: the CLI page (personal tokens), run links, runbooks (anyone signed in).
  'GET /cli': page(403, 'ok', 'ok'),
  'GET /runs/[runId]': page(403, 'ok', 'ok'),
  'GET /runbooks/[slug]': page('ok', 'ok', 'ok'),
  // The jobs list as JSON: like the job signal API; another tenant's token lists its own tenant.
  'GET /api/v1/jobs': {
    ...people(403, 'ok', 'ok', 403),
    'token:signals:read': 'ok',
    'token:other-tenant': 'ok',
  },
  // Personal CLI tokens: people of the support role and up, from a session only.
  'GET /api/v1/me/tokens': people(403, 'ok', 'ok', 403),
  'POST /api/v1/me/tokens': people(403, 'ok', 'ok', 403),
  // The filled id is an admin's tenant token, never the caller's own: 404.
  'DELETE /api/v1/me/tokens/[tokenId]': people(403, 404, 404, 403),
  // Retention and rollup repair: admins only.
  'POST /api/v1/admin/retention': people(403, 403, 'ok', 403),
  'GET /api/v1/admin/rollups/rebuild': people(403, 403, 'ok', 403),
  'POST /api/v1/admin/rollups/rebuild': people(403, 403, 'ok', 403),
};

interface Route {
  kind: 'page' | 'route';
  method: string;
  pattern: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

/** Every page and every exported handler method under app/. */
function discoverRoutes(): Route[] {
  const routes: Route[] = [];
  for (const file of walk('app')) {
    const base = path.basename(file);
    if (base !== 'page.tsx' && base !== 'route.ts') continue;
    const segments = path
      .dirname(path.relative('app', file))
      .split(path.sep)
      .filter((s) => s && s !== '.');
    if (segments.some((s) => s.startsWith('_') || s.startsWith('@'))) continue;
    const pattern = `/${segments.filter((s) => !(s.startsWith('(') && s.endsWith(')'))).join('/')}`;
    if (base === 'page.tsx') routes.push({ kind: 'page', method: 'GET', pattern });
    else {
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(
        /export\s+(?:async\s+)?(?:function|const)\s+(GET|POST|PUT|PATCH|DELETE)\b/g,
      ))
        routes.push({ kind: 'route', method: m[1]!, pattern });
    }
  }
  // Signing out ends the caller's session: run those last.
  return routes.sort(
    (a, b) => Number(a.pattern.endsWith('sign-out')) - Number(b.pattern.endsWith('sign-out')),
  );
}

const ROUTES = discoverRoutes();
const key = (r: Route) => `${r.method} ${r.pattern}`;

test.describe.configure({ mode: 'serial' });

test('every route and page has a declared row in the access matrix', () => {
  const missing = ROUTES.filter((r) => !EXPECTED[key(r)]).map(key);
  expect(missing, `add rows to EXPECTED in e2e/auth-matrix.spec.ts for: ${missing.join(', ')}`).toEqual([]);
});

test('access matrix: every route x every caller', async ({ baseURL }) => {
  test.setTimeout(180_000);
  const origin = baseURL!;
  const sql = appDatabase();
  const cookies: Partial<Record<Caller, string>> = {};
  const bearer: Partial<Record<Caller, string>> = {};
  try {
    for (const [caller, user] of [
      ['viewer', 'sre'],
      ['support', 'support'],
      ['admin', 'admin'],
    ] as const) {
      const response = await fetch(`${origin}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: user, password: `${user}-demo` }),
      });
      expect(response.status, `sign-in ${user}`).toBe(200);
      cookies[caller] = /ttfs_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')![0];
    }
    const mint = async (tenantId: string, scopes: string[]) => {
      const response = await fetch(`${origin}/api/v1/tokens`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: cookies.admin!,
          'sec-fetch-site': 'same-origin',
        },
        body: JSON.stringify({ name: `matrix ${scopes.join(' ')}`, tenantId, scopes }),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { id: string; token: string };
    };
    for (const scope of ['telemetry:write', 'signals:write', 'signals:read'])
      bearer[`token:${scope}` as Caller] = (await mint(TENANTS.acme, [scope])).token;
    bearer['token:other-tenant'] = (
      await mint(TENANTS.globex, ['telemetry:write', 'signals:write', 'signals:read'])
    ).token;

    const [job] = await sql<{ job_id: string; run_id: string }[]>`
      select job_id, run_id from scheduler.first_signal_snapshots where tenant_id = ${TENANTS.acme} and run_id is not null limit 1`;
    const [signature] = await sql<
      { id: string }[]
    >`select id from scheduler.failure_signatures where tenant_id = ${TENANTS.acme} limit 1`.catch(() => []);

    /** A value for each dynamic segment: Acme's objects; a fresh throwaway token for token ids. */
    const fill = async (pattern: string) => {
      let url = pattern;
      for (const [, name] of pattern.matchAll(/\[(?:\.\.\.)?(\w+)\]/g)) {
        let value: string = randomUUID();
        if (/job/i.test(name!)) value = job!.job_id;
        else if (/run/i.test(name!)) value = job!.run_id;
        else if (/signature/i.test(name!) && signature) value = String(signature.id);
        else if (/token/i.test(name!)) value = (await mint(TENANTS.acme, ['signals:read'])).id;
        else if (/tenant/i.test(name!)) value = TENANTS.acme;
        url = url.replace(new RegExp(`\\[(?:\\.\\.\\.)?${name}\\]`), value);
      }
      return url;
    };

    const failures: string[] = [];
    for (const route of ROUTES) {
      const expected = EXPECTED[key(route)];
      for (const caller of CALLERS) {
        const url = await fill(route.pattern);
        const headers: Record<string, string> = {};
        if (cookies[caller]) headers.cookie = cookies[caller]!;
        if (bearer[caller]) headers.authorization = `Bearer ${bearer[caller]}`;
        // The platform's routes select the tenant by header; without it every caller gets 400.
        if (/^\/api\/v1\/(orchestrator|jobengine)\//.test(route.pattern))
          headers['x-tenant-id'] = TENANTS.acme;
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}';
        if (body) headers['content-type'] = 'application/json';
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 15_000);
        let status: number;
        let location = '';
        try {
          const response = await fetch(`${origin}${url}`, {
            method: route.method,
            headers,
            body,
            redirect: 'manual',
            signal: controller.signal,
          });
          status = response.status;
          location = response.headers.get('location') ?? '';
          // Streams (SSE) stay open: the status is all we need.
          await response.body?.cancel().catch(() => {});
        } catch (error) {
          failures.push(`${route.method} ${url} as ${caller}: request failed (${(error as Error).message})`);
          continue;
        } finally {
          clearTimeout(timer);
        }
        // Without a row: signed-out callers must still be refused.
        const want: Expect | undefined = expected
          ? expected[caller]
          : caller === 'anonymous'
            ? route.kind === 'page'
              ? 'sign-in'
              : 401
            : undefined;
        if (want === undefined) continue;
        const ok =
          want === 'ok'
            ? status !== 401 &&
              status !== 403 &&
              status < 500 &&
              !(status === 307 && location.includes('/sign-in'))
            : want === 'sign-in'
              ? status === 307 && location.includes('/sign-in')
              : want === 'home'
                ? status === 307 && new URL(location, origin).pathname === '/'
                : status === want;
        if (!ok)
          failures.push(
            `${route.method} ${route.pattern} as ${caller}: expected ${want}, got ${status}${location ? ` -> ${location}` : ''}`,
          );
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  } finally {
    await sql.end();
  }
});
