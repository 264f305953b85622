// Operations against extra app instances started here on the e2e build and the
// e2e database: graceful shutdown under ingest load, and two instances sharing
// one database (an upsert through one reaches SSE clients of the other).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Scope } from '../lib/auth/roles';
import { testToken } from '../tests/helpers/auth';
import { appDatabase, appDatabaseUrl } from './db';
import { expect, test } from './fixtures';

const ACME = '11111111-1111-4111-8111-111111111111';
const sql = appDatabase();
test.afterAll(() => sql.end());
test.describe.configure({ mode: 'serial' });

/** One app process as `npm start` runs it: scripts/http-server.ts (machine lane + Next.js) on the e2e build. */
function spawnApp(port: number, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'scripts/http-server.ts'], {
    env: {
      ...process.env,
      TTFS_DEMO: '1',
      PORT: String(port),
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      ...env,
    },
    stdio: 'ignore',
  });
}

async function startInstance(port: number): Promise<ChildProcess> {
  const child = spawnApp(port, { DATABASE_URL: appDatabaseUrl() });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`http://localhost:${port}/api/health`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`instance on ${port} did not start`);
}

async function token(scopes: Scope[], name = 'ops e2e') {
  return (await testToken(sql, { tenantId: ACME, scopes, name })).token;
}

test('SIGTERM mid-ingest: every acknowledged event is stored, streams get a reconnect hint, the process exits', async () => {
  test.setTimeout(120_000);
  const port = 3190;
  const instance = await startInstance(port);
  const bearer = await token(['telemetry:write', 'signals:read']);
  const stream = await fetch(`http://localhost:${port}/api/v1/stream/signals`, {
    headers: { authorization: `Bearer ${bearer}` },
  });
  const streamText = stream.text();

  const acknowledged: string[] = [];
  let stop = false;
  const senders = Array.from({ length: 4 }, async () => {
    while (!stop) {
      const batch = Array.from({ length: 200 }, () => ({
        schema_version: 'v1.0',
        event_id: randomUUID(),
        tenant_id: ACME,
        job_id: randomUUID(),
        surface: 'ci',
        event_type: 'signal.rendered',
        ttfs_ms: 700,
      }));
      try {
        const response = await fetch(`http://localhost:${port}/api/v1/telemetry/ttfs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify(batch),
        });
        if (response.status === 202) acknowledged.push(...batch.map((e) => e.event_id));
      } catch {
        // refused once the server stops accepting
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
  // Stop while batches are flowing: once some were acknowledged, others are in flight.
  await expect.poll(() => acknowledged.length, { timeout: 30_000 }).toBeGreaterThan(400);
  const exited = new Promise<number | null>((resolve) => instance.once('exit', (code) => resolve(code)));
  instance.kill('SIGTERM');
  const code = await Promise.race([
    exited,
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000)),
  ]);
  stop = true;
  await Promise.all(senders);
  expect(code).not.toBe('timeout');
  expect(await streamText).toContain('event: resync');
  expect(acknowledged.length).toBeGreaterThan(0);
  const [stored] = await sql<
    [{ n: number }]
  >`select count(*)::int as n from scheduler.ttfs_events where tenant_id = ${ACME} and event_id = any(${acknowledged}::uuid[])`;
  expect(stored.n).toBe(acknowledged.length);
});

test('two instances on one database: an upsert through one reaches the SSE clients of the other', async ({
  baseURL,
}) => {
  test.setTimeout(120_000);
  const port = 3191;
  const other = await startInstance(port);
  try {
    const reader = await token(['signals:read']);
    const writer = await token(['signals:write'], 'ops e2e writer');
    const job = randomUUID();
    const controller = new AbortController();
    const response = await fetch(`${baseURL}/api/v1/stream/signals?jobId=${job}`, {
      headers: { authorization: `Bearer ${reader}` },
      signal: controller.signal,
    });
    const body = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (needle: string) => {
      const deadline = Date.now() + 10_000;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`no ${needle} in ${text}`);
        const { value, done } = await body.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    await until('event: ready');
    const put = await fetch(`http://localhost:${port}/api/v1/jobs/${job}/signal`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${writer}` },
      body: JSON.stringify({
        tenant_id: ACME,
        kind: 'started',
        phase: 'resolve',
        summary: 'Written through the other instance',
      }),
    });
    expect(put.status).toBe(201);
    await until('Written through the other instance');
    controller.abort();
  } finally {
    other.kill('SIGTERM');
  }
});

test('a crash (SIGKILL) mid-ingest loses nothing that was acknowledged, and a restarted instance carries on', async () => {
  test.setTimeout(120_000);
  const port = 3192;
  const bearer = await token(['telemetry:write']);
  const acknowledged: string[] = [];
  const load = async (base: string, until: () => boolean) => {
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (!until()) {
          const batch = Array.from({ length: 250 }, () => ({
            schema_version: 'v1.0',
            event_id: randomUUID(),
            tenant_id: ACME,
            job_id: randomUUID(),
            surface: 'cli',
            event_type: 'signal.rendered',
            ttfs_ms: 900,
          }));
          try {
            const response = await fetch(`${base}/api/v1/telemetry/ttfs`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
              body: JSON.stringify(batch),
            });
            if (response.status === 202) acknowledged.push(...batch.map((e) => e.event_id));
          } catch {
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      }),
    );
  };
  const first = await startInstance(port);
  let killed = false;
  const loading = load(`http://localhost:${port}`, () => killed);
  await expect.poll(() => acknowledged.length, { timeout: 30_000 }).toBeGreaterThan(500);
  first.kill('SIGKILL');
  killed = true;
  await loading;
  const beforeRestart = acknowledged.length;
  expect(beforeRestart).toBeGreaterThan(0);

  const second = await startInstance(port);
  let done = false;
  const again = load(`http://localhost:${port}`, () => done);
  await expect.poll(() => acknowledged.length, { timeout: 30_000 }).toBeGreaterThan(beforeRestart);
  done = true;
  await again;
  second.kill('SIGTERM');
  expect(acknowledged.length).toBeGreaterThan(beforeRestart);
  const [stored] = await sql<[{ n: number; distinct: number }]>`
    select count(*)::int as n, count(distinct event_id)::int as distinct from scheduler.ttfs_events where tenant_id = ${ACME} and event_id = any(${acknowledged}::uuid[])`;
  expect(stored).toEqual({ n: acknowledged.length, distinct: acknowledged.length });
});

test('with the database unreachable, pages show a clear banner and the API answers 503, without crashing', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const port = 3193;
  // Nothing listens on port 1: every query fails with ECONNREFUSED.
  const child = spawnApp(port, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
  try {
    let health: Response | null = null;
    for (let i = 0; i < 120 && !health; i++) {
      health = await fetch(`http://localhost:${port}/api/health`).catch(() => null);
      if (!health) await new Promise((r) => setTimeout(r, 250));
    }
    expect(health!.status).toBe(503);
    const api = await fetch(`http://localhost:${port}/api/v1/jobs/${randomUUID()}/signal`, {
      headers: { authorization: `Bearer ttfs_${randomBytes(30).toString('base64url')}` },
    });
    expect(api.status).toBe(503);
    expect(api.headers.get('retry-after')).toBe('5');
    // A signed-in person (some session cookie): checking it needs the database.
    const context = await browser.newContext({
      storageState: {
        cookies: [
          {
            name: 'ttfs_session',
            value: randomBytes(30).toString('base64url'),
            domain: 'localhost',
            path: '/',
            expires: -1,
            httpOnly: true,
            secure: false,
            sameSite: 'Lax',
          },
        ],
        origins: [],
      },
    });
    const page = await context.newPage();
    await page.goto(`http://localhost:${port}/`);
    await expect(page.getByTestId('database-down')).toBeVisible();
    await context.close();
    expect(child.exitCode).toBeNull();
  } finally {
    child.kill('SIGTERM');
  }
});
