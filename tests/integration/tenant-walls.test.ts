// Two tenants and a stranger against every path from one tenant to another:
// live streams, telemetry naming another tenant's job, run membership,
// redirects and links, signature patterns, revoked credentials, hostile input
// and public endpoints. Tenant B's data carries a marker (SECRET) that must
// never appear in anything tenant A, or a stranger, receives.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { POST as signOut } from '@/app/api/auth/sign-out/route';
import { POST as signIn } from '@/app/api/auth/sign-in/route';
import { GET as me } from '@/app/api/auth/me/route';
import { GET as health } from '@/app/api/health/route';
import { GET as getSignature } from '@/app/api/v1/failure-signatures/[signatureId]/route';
import { POST as matchSignatures } from '@/app/api/v1/failure-signatures/match/route';
import { GET as listSignatures, POST as createSignature } from '@/app/api/v1/failure-signatures/route';
import { GET as getJob, PUT as putJob } from '@/app/api/v1/jobs/[jobId]/signal/route';
import { GET as getRun } from '@/app/api/v1/runs/[runId]/signal/route';
import { GET as stream } from '@/app/api/v1/stream/signals/route';
import { POST as ingest } from '@/app/api/v1/telemetry/ttfs/route';
import { POST as createToken } from '@/app/api/v1/tokens/route';
import { DELETE as revokeToken } from '@/app/api/v1/tokens/[tokenId]/route';
import { safeReturnPath } from '@/lib/auth/claims';
import { lookupSql, maintenanceSql, sql as appSql } from '@/lib/db';
import { errorReply } from '@/lib/errors';
import { jobEvents } from '@/lib/queries/signals';
import { RECHECK_MS } from '@/lib/signals/hub';
import { newTenant, testSql } from '../helpers/db';
import { testSession, testToken, type TestCredentials } from '../helpers/auth';
import { openSse, type SseClient } from '../helpers/sse';
import { wireEvent } from '../helpers/telemetry';

const sql = testSql();
const onCitus = inject('engine') === 'citus';

/**
 * A snapshot of tenant B naming tenant A's run, written as a faulty scheduler would, straight
 * through the schema's function (no API check on the way). On Citus the snapshot's run key is
 * (tenant_id, run_id) and refuses it outright; on one server it is stored, and the reads must
 * keep it out. Returns whether it was stored.
 */
async function writeForeignJobOfRun(job: string, run: string, summary: string): Promise<boolean> {
  const write = sql`select scheduler.upsert_first_signal_snapshot(${job}, ${B}, ${run}, 'failed', 'fetch', ${summary})`;
  if (onCitus) {
    await expect(write).rejects.toMatchObject({ code: '23503' });
    return false;
  }
  await write;
  return true;
}
const A = newTenant();
const B = newTenant();
const SECRET = `b-secret-${randomUUID()}`;
const base = 'http://console.test';
const streamUrl = (query: string) => `${base}/api/v1/stream/signals?${query}`;

let aSupport: TestCredentials;
let aReader: TestCredentials;
let aWriter: TestCredentials;
let aIngest: TestCredentials;
let bReader: TestCredentials;
let bWriter: TestCredentials;
let bIngest: TestCredentials;
let bAdmin: TestCredentials;
let admin: TestCredentials;
const stranger: TestCredentials = { headers: {}, id: 'stranger' };
const open: SseClient[] = [];

const json = (creds: TestCredentials) => ({ ...creds.headers, 'content-type': 'application/json' });
const ctx = <K extends string>(key: K, id: string) => ({
  params: Promise.resolve({ [key]: id } as Record<K, string>),
});

function put(jobId: string, body: unknown, creds: TestCredentials) {
  return putJob(
    new Request(`${base}/api/v1/jobs/${jobId}/signal`, {
      method: 'PUT',
      headers: json(creds),
      body: encode(body),
    }),
    ctx('jobId', jobId),
  );
}
/** A body as sent: text and bytes as they are, anything else as JSON. */
const encode = (body: unknown): BodyInit =>
  typeof body === 'string' ? body : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body);
const snapshot = (tenant: string, overrides: Record<string, unknown> = {}) => ({
  tenant_id: tenant,
  kind: 'failed',
  phase: 'fetch',
  summary: tenant === B ? `B failed ${SECRET}` : 'A is running',
  diagnostics: tenant === B ? { error_code: 'E_B', note: SECRET } : {},
  ...overrides,
});
const readJob = (jobId: string, creds: TestCredentials) =>
  getJob(new Request(`${base}/api/v1/jobs/${jobId}/signal`, { headers: creds.headers }), ctx('jobId', jobId));
const readRun = (runId: string, creds: TestCredentials) =>
  getRun(new Request(`${base}/api/v1/runs/${runId}/signal`, { headers: creds.headers }), ctx('runId', runId));
const post = (creds: TestCredentials, body: unknown) =>
  ingest(
    new Request(`${base}/api/v1/telemetry/ttfs`, {
      method: 'POST',
      headers: json(creds),
      body: encode(body),
    }),
  );
async function sse(query: string, creds: TestCredentials) {
  const client = await openSse(stream, streamUrl(query), creds.headers);
  open.push(client);
  return client;
}
async function newRun(tenant: string) {
  const id = randomUUID();
  await sql`insert into scheduler.runs (id, tenant_id) values (${id}, ${tenant})`;
  return id;
}
/** Resolves with the time taken when the promise settles within `ms`, else rejects. */
async function within(promise: Promise<unknown>, ms: number): Promise<number> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
  return Date.now() - started;
}
/** Nothing of tenant B in what tenant A or the stranger got. */
function expectNoTenantB(text: string) {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(B);
}

beforeAll(async () => {
  aSupport = await testSession(sql, { role: 'support', tenants: [A] });
  aReader = await testToken(sql, { tenantId: A, scopes: ['signals:read'] });
  aWriter = await testToken(sql, { tenantId: A, scopes: ['signals:write'] });
  aIngest = await testToken(sql, { tenantId: A, scopes: ['telemetry:write'] });
  bReader = await testToken(sql, { tenantId: B, scopes: ['signals:read'] });
  bWriter = await testToken(sql, { tenantId: B, scopes: ['signals:write'] });
  bIngest = await testToken(sql, { tenantId: B, scopes: ['telemetry:write'] });
  bAdmin = await testSession(sql, { role: 'admin', tenants: [B] });
  admin = await testSession(sql, { role: 'admin' });
});
afterAll(async () => {
  for (const client of open) client.close();
  await sql.end();
});

describe('live streams', () => {
  it('never deliver a job id that another tenant writes after the stream opened', async () => {
    const job = randomUUID();
    const aStream = await sse(`jobId=${job}`, aSupport);
    const aToken = await sse(`jobId=${job}`, aReader);
    const bStream = await sse(`jobId=${job}`, bReader);
    await Promise.all([aStream, aToken, bStream].map((c) => c.waitFor((e) => e.event === 'ready')));
    expect((await put(job, snapshot(B), bWriter)).status).toBe(201);
    // B's own stream gets it; the hub delivered to everyone it was going to.
    await bStream.waitFor((e) => e.event === 'signal' && e.data.includes(SECRET));
    await new Promise((r) => setTimeout(r, 200));
    for (const client of [aStream, aToken]) {
      expect(client.events.filter((e) => e.event === 'signal')).toEqual([]);
      expectNoTenantB(client.text());
    }
  });

  it('never deliver another tenant’s job that names the subscribed run', async () => {
    const run = await newRun(A);
    const aStream = await sse(`runId=${run}`, aSupport);
    const bFeed = await sse('', bReader);
    await Promise.all([aStream, bFeed].map((c) => c.waitFor((e) => e.event === 'ready')));
    const job = randomUUID();
    if (await writeForeignJobOfRun(job, run, `B ${SECRET}`))
      await bFeed.waitFor((e) => e.event === 'signal' && e.data.includes(SECRET));
    await new Promise((r) => setTimeout(r, 200));
    expect(aStream.events.filter((e) => e.event === 'signal')).toEqual([]);
    expectNoTenantB(aStream.text());
    // The run's own jobs still arrive.
    const own = randomUUID();
    await sql`select scheduler.upsert_first_signal_snapshot(${own}, ${A}, ${run}, 'phase', 'fetch', 'A fetch')`;
    await aStream.waitFor((e) => e.event === 'signal' && e.data.includes(own));
    expectNoTenantB(aStream.text());
  });

  it('answer a stream for another tenant’s existing job like one for an unknown id, and never carry it', async () => {
    const job = randomUUID();
    expect((await put(job, snapshot(B), bWriter)).status).toBe(201);
    const theirs = await sse(`jobId=${job}`, aSupport);
    const unknown = await sse(`jobId=${randomUUID()}`, aSupport);
    const bStream = await sse(`jobId=${job}`, bReader);
    await Promise.all([theirs, unknown, bStream].map((c) => c.waitFor((e) => e.event === 'ready')));
    expect(theirs.response.status).toBe(unknown.response.status);
    expect(theirs.events.map((e) => e.event)).toEqual(unknown.events.map((e) => e.event));
    expect((await put(job, snapshot(B, { summary: `B again ${SECRET}` }), bWriter)).status).toBe(200);
    await bStream.waitFor((e) => e.event === 'signal' && e.data.includes('B again'));
    await new Promise((r) => setTimeout(r, 200));
    expectNoTenantB(theirs.text());
  });

  it('refuse the stranger', async () => {
    const job = randomUUID();
    const response = await stream(new Request(streamUrl(`jobId=${job}`), { headers: stranger.headers }));
    expect(response.status).toBe(401);
  });
});

describe('run membership', () => {
  it('refuses a job joining another tenant’s run (422 on run_id) and stores nothing', async () => {
    const run = await newRun(A);
    const job = randomUUID();
    const response = await put(job, snapshot(B, { run_id: run }), bWriter);
    expect(response.status).toBe(422);
    expect((await response.json()).issues).toEqual([{ path: 'run_id', message: expect.any(String) }]);
    expect(await sql`select 1 from scheduler.first_signal_snapshots where job_id = ${job}`).toHaveLength(0);
    // Its own tenant's run is fine.
    expect((await put(job, snapshot(A, { run_id: run }), aWriter)).status).toBe(201);
  });

  it('never answers a run lookup with another tenant’s job that names the run', async () => {
    const run = await newRun(A);
    await writeForeignJobOfRun(randomUUID(), run, `B ${SECRET}`);
    const empty = await readRun(run, aReader);
    expect(empty.status).toBe(204);
    const own = randomUUID();
    await sql`select scheduler.upsert_first_signal_snapshot(${own}, ${A}, ${run}, 'phase', 'analyze', 'A analyze')`;
    const response = await readRun(run, aSupport);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text).jobId).toBe(own);
    expectNoTenantB(text);
    // B cannot read A's run at all.
    expect((await readRun(run, bReader)).status).toBe(404);
    expect((await readRun(run, stranger)).status).toBe(401);
  });
});

describe('telemetry naming another tenant’s job', () => {
  it('cannot take over the job: cold starts and timelines stay within each tenant', async () => {
    const job = randomUUID();
    const now = Date.now();
    expect(
      (
        await post(
          bIngest,
          wireEvent(B, {
            job_id: job,
            event_type: 'signal.timeout',
            error_code: SECRET.slice(0, 100),
            timestamp: new Date(now - 60_000).toISOString(),
          }),
        )
      ).status,
    ).toBe(202);
    // Tenant A reports the same job id, later.
    expect(
      (
        await post(
          aIngest,
          wireEvent(A, { job_id: job, event_type: 'signal.error', timestamp: new Date(now).toISOString() }),
        )
      ).status,
    ).toBe(202);

    const asB = await readJob(job, bReader);
    expect(asB.status).toBe(200);
    const bSignal = await asB.json();
    expect(bSignal.tenantId).toBe(B);
    expect(bSignal.diagnostics.last_event_type).toBe('signal.timeout');

    const asA = await readJob(job, aSupport);
    expectNoTenantB(await asA.text());
    // B's timeline holds only B's event; A's holds only A's.
    expect((await jobEvents(job, B)).map((e) => e.eventType)).toEqual(['signal.timeout']);
    expect((await jobEvents(job, A)).map((e) => e.eventType)).toEqual(['signal.error']);
    expect((await readJob(job, stranger)).status).toBe(401);
  });
});

describe('redirects and links', () => {
  const HOSTILE = [
    '/\t/evil.example/phish',
    '/\n/evil.example/phish',
    '/\r\n/evil.example',
    '/\\evil.example',
    '/\\/evil.example',
    '//evil.example',
    '/%09/evil.example',
    'https://evil.example/',
    '/\u0000/evil.example',
    ' /evil',
    'javascript:alert(1)',
  ];

  it('sends every hostile post-sign-in target home and keeps same-origin ones', () => {
    for (const next of HOSTILE) {
      const target = safeReturnPath(next);
      // What a browser would do with it: drop tabs and line breaks, read "\" as "/".
      const browser = target.replace(/[\t\n\r]/g, '').replace(/\\/g, '/');
      expect(new URL(browser, 'https://console.test').origin, JSON.stringify(next)).toBe(
        'https://console.test',
      );
      expect(target, JSON.stringify(next)).not.toMatch(/[\u0000-\u001f\\]/);
    }
    expect(safeReturnPath('/jobs?kind=failed#top')).toBe('/jobs?kind=failed#top');
    expect(safeReturnPath('/%09/evil.example')).toBe('/%09/evil.example');
  });

  it('refuses hostile relative next_actions links and remediation URLs with the field path', async () => {
    for (const href of ['/\\evil.example', '/\t/evil.example', '/\n/evil.example', '//evil.example']) {
      const response = await put(
        randomUUID(),
        snapshot(A, { kind: 'phase', next_actions: [{ label: 'Open', href }] }),
        aWriter,
      );
      expect(response.status, JSON.stringify(href)).toBe(422);
      expect((await response.json()).issues[0].path).toBe('next_actions.0.href');
      const signature = await createSignature(
        new Request(`${base}/api/v1/failure-signatures`, {
          method: 'POST',
          headers: json(admin),
          body: JSON.stringify({
            tenant_id: A,
            pattern: { error_code: `E_${randomUUID().slice(0, 8)}` },
            outcome: { likely_cause: 'x', remediation_url: href },
          }),
        }),
      );
      expect(signature.status, JSON.stringify(href)).toBe(422);
      expect((await signature.json()).issues[0].path).toBe('outcome.remediation_url');
    }
  });
  it('drops hostile links stored before they were checked when it serves the signal', async () => {
    const job = randomUUID();
    // The safe one leads to a page the console has (next actions that lead nowhere are dropped too).
    const run = `/runs/${randomUUID()}`;
    const actions = [
      { label: 'Tabbed', href: '/\t/evil.example' },
      { label: 'Backslash', href: '/\\evil.example' },
      { label: 'Runs', href: run },
    ];
    await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${A}, null, 'phase', 'fetch', 'x', null, null, ${sql.json(actions)})`;
    const signal = await (await readJob(job, aReader)).json();
    expect(signal.nextActions).toEqual([{ label: 'Runs', href: run }]);
  });
});

describe('signature patterns', () => {
  const create = (image_pattern: string, creds = admin) =>
    createSignature(
      new Request(`${base}/api/v1/failure-signatures`, {
        method: 'POST',
        headers: json(creds),
        body: JSON.stringify({
          tenant_id: A,
          pattern: { phase: 'fetch', error_code: 'E_SLOW', image_pattern },
          outcome: { likely_cause: 'slow pattern' },
          confidence: 0.9,
        }),
      }),
    );

  it('refuses patterns PostgreSQL cannot match in bounded time, with the field path', async () => {
    for (const pattern of [
      '^(.*)(.*)(.*)\\1\\2\\3$',
      '(.*){1,255}(.*){1,255}',
      '((.*){16}){16}x',
      '(?:a|b|.*){16}(?:a|b|.*){16}(?:a|b|.*){16}x',
    ]) {
      const response = await create(pattern);
      expect(response.status, pattern).toBe(422);
      expect((await response.json()).issues[0].path).toBe('pattern.image_pattern');
    }
  });

  it('refuses them in the database too, whatever writes them', async () => {
    await expect(
      sql`insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome)
        values (${A}, ${randomUUID()}, ${sql.json({ image_pattern: '^(.*)(.*)(.*)\\1\\2\\3$' })}, ${sql.json({ likely_cause: 'x' })})`,
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('disables enabled signatures whose pattern is unsafe when the constraint is added, with an audit entry', async () => {
    const tenant = newTenant();
    const id = randomUUID();
    await sql.begin(async (tx) => {
      await tx`alter table scheduler.failure_signatures drop constraint failure_signatures_image_pattern_bounded`;
      await tx`insert into scheduler.failure_signatures (id, tenant_id, signature_hash, pattern, outcome)
        values (${id}, ${tenant}, ${randomUUID()}, ${sql.json({ image_pattern: '^(.*)(.*)\\1\\2$' })}, ${sql.json({ likely_cause: 'x' })})`;
      // What db/functions/95_constraints.sql runs on a database without the constraint.
      const [{ disabled }] = await tx<
        [{ disabled: number }]
      >`select scheduler.ttfs_bound_image_patterns() as disabled`;
      expect(disabled).toBeGreaterThanOrEqual(1);
      // Once the constraint is there it does nothing.
      const [{ again }] = await tx<
        [{ again: number }]
      >`select scheduler.ttfs_bound_image_patterns() as again`;
      expect(again).toBe(0);
    });
    const [row] = await sql<
      [{ enabled: boolean }]
    >`select enabled from scheduler.failure_signatures where id = ${id}`;
    expect(row.enabled).toBe(false);
    const audit = await sql`select action, reason from console.signature_audit where signature_id = ${id}`;
    expect(audit).toEqual([{ action: 'disable', reason: expect.stringContaining('bounded time') }]);
    // It cannot be enabled again with that pattern.
    await expect(
      sql`update scheduler.failure_signatures set enabled = true where id = ${id}`,
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('adds under 50 ms to an upsert with the worst accepted patterns on 512-character image references', async () => {
    const tenant = newTenant();
    const worst = [
      '(.*){16}(.*){16}x',
      '(?:(?:.*){4}){4}x',
      '.{255}.{255}.{255}.{255}',
      '(?:[a-z]{1,255}){4}x',
      `${'(?:a|b|.*){4}'.repeat(8)}x`,
      `${'(?:[^b]*[^c]*){8}'.repeat(2)}x`,
      `${'.*'.repeat(32)}x`,
      `${'(?:(?=.*a).){16}'.repeat(2)}x`,
      '^(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)(.*)x$',
    ];
    const timeUpserts = async (n: number) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const image = `${'a'.repeat(511)}${i % 2 ? 'b' : 'x'}`;
        const started = performance.now();
        await sql`select scheduler.upsert_first_signal_snapshot(${randomUUID()}, ${tenant}, null, 'failed', 'fetch', 'f', null, null, null, ${sql.json({ error_code: 'E_SLOW', image_reference: image })})`;
        times.push(performance.now() - started);
      }
      return times.sort((x, y) => x - y)[Math.floor(n / 2)]!;
    };
    const baseline = await timeUpserts(9);
    for (const pattern of worst) {
      await sql`insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome, confidence)
        values (${tenant}, ${randomUUID()}, ${sql.json({ error_code: 'E_SLOW', image_pattern: pattern })}, ${sql.json({ likely_cause: pattern })}, 0.5)`;
    }
    // Each pattern alone, and all of them at once (every one is tried when none matches).
    const withAll = await timeUpserts(9);
    expect(withAll - baseline).toBeLessThan(50);
  });
});

describe('statement timeouts', () => {
  it('bound every statement of the app’s request connections, and maintenance more loosely', async () => {
    const setting = async (client: typeof appSql) =>
      (await client<{ statement_timeout: string }[]>`show statement_timeout`)[0]!.statement_timeout;
    expect(await setting(appSql)).toBe('5s');
    expect(await setting(lookupSql)).toBe('5s');
    expect(await setting(maintenanceSql)).toBe('10min');
    // A statement cut off is a 503 saying so, not an anonymous 500.
    await expect(
      appSql.begin(async (tx) => {
        await tx`set local statement_timeout = 50`;
        await tx`select pg_sleep(1)`;
      }),
    ).rejects.toMatchObject({ code: '57014' });
    const reply = errorReply(
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    );
    expect(reply.status).toBe(503);
    expect(JSON.parse(String(reply.body)).error).toBe('statement_timeout');
  });
});

describe('revocation and sign-out', () => {
  it('ends open streams within seconds when the session signs out', async () => {
    const session = await testSession(sql, { role: 'support', tenants: [A] });
    const client = await sse('', session);
    await client.waitFor((e) => e.event === 'ready');
    const out = await signOut(
      new Request(`${base}/api/auth/sign-out`, { method: 'POST', headers: session.headers }),
    );
    expect(out.status).toBe(303);
    await within(client.ended, 3000);
    expect(client.events.at(-1)?.event).toBe('signed-out');
  });

  it('ends open streams within seconds when the token is revoked, here or by another instance', async () => {
    const here = await testToken(sql, { tenantId: A, scopes: ['signals:read'] });
    const client = await sse('', here);
    await client.waitFor((e) => e.event === 'ready');
    const revoked = await revokeToken(
      new Request(`${base}/api/v1/tokens/${here.id}`, { method: 'DELETE', headers: admin.headers }),
      ctx('tokenId', here.id),
    );
    expect(revoked.status).toBe(204);
    await within(client.ended, 3000);

    // Revoked elsewhere (plain SQL, as another instance or an operator would).
    const elsewhere = await testToken(sql, { tenantId: A, scopes: ['signals:read'] });
    const other = await sse('', elsewhere);
    await other.waitFor((e) => e.event === 'ready');
    await sql`update console.api_tokens set revoked_at = now() where id = ${elsewhere.id}`;
    await within(other.ended, RECHECK_MS + 3000);
  });

  it('ends an open stream once its token expires', async () => {
    const expiring = await testToken(sql, { tenantId: A, scopes: ['signals:read'] });
    const client = await sse('', expiring);
    await client.waitFor((e) => e.event === 'ready');
    await sql`update console.api_tokens set expires_at = now() + interval '1 second' where id = ${expiring.id}`;
    await within(client.ended, 1000 + RECHECK_MS + 3000);
  });
});

describe('hostile input', () => {
  it('refuses implausible telemetry timestamps with the field path and stores nothing', async () => {
    const job = randomUUID();
    for (const timestamp of [
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '1970-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      new Date(Date.now() + 3600_000).toISOString(),
      new Date(Date.now() - 91 * 86400_000).toISOString(),
    ]) {
      const response = await post(aIngest, [wireEvent(A, { job_id: job, timestamp })]);
      expect(response.status, timestamp).toBe(422);
      expect((await response.json()).details.errors).toEqual([
        { index: 0, path: 'timestamp', message: expect.any(String) },
      ]);
    }
    // Clock skew of a minute is fine.
    expect(
      (
        await post(aIngest, [
          wireEvent(A, { job_id: job, timestamp: new Date(Date.now() + 60_000).toISOString() }),
        ])
      ).status,
    ).toBe(202);
    const [{ n }] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from scheduler.ttfs_events where job_id = ${job}`;
    expect(n).toBe(1);
  });

  const deep = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

  it.each([1000, 5000])('refuses JSON nested %i levels with the field path', async (levels) => {
    const job = randomUUID();
    const events = await post(
      aIngest,
      `[${JSON.stringify(wireEvent(A)).replace('"ttfs_ms"', `"metadata":${deep(levels)},"ttfs_ms"`)}]`,
    );
    expect(events.status).toBe(422);
    expect((await events.json()).details.errors[0]).toMatchObject({
      index: 0,
      path: expect.stringMatching(/^metadata\.a/),
    });
    const signal = await put(
      job,
      `{"tenant_id":"${A}","kind":"queued","phase":"fetch","summary":"s","diagnostics":${deep(levels)}}`,
      aWriter,
    );
    expect(signal.status).toBe(422);
    expect((await signal.json()).issues[0].path).toMatch(/^diagnostics\.a/);
    expect(await sql`select 1 from scheduler.first_signal_snapshots where job_id = ${job}`).toHaveLength(0);
  });

  it('refuses a NUL character in a snapshot with the field path', async () => {
    const nul = await put(
      randomUUID(),
      snapshot(A, { kind: 'queued', diagnostics: { note: 'a\u0000b' } }),
      aWriter,
    );
    expect(nul.status).toBe(422);
    expect((await nul.json()).issues).toEqual([
      { path: 'diagnostics.note', message: expect.stringContaining('NUL') },
    ]);
  });

  it('refuses invalid UTF-8 with 400 instead of replacing it', async () => {
    const job = randomUUID();
    const invalid = Buffer.concat([
      Buffer.from(`{"tenant_id":"${A}","kind":"queued","phase":"fetch","summary":"`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    expect((await put(job, invalid, aWriter)).status).toBe(400);
    expect(await sql`select 1 from scheduler.first_signal_snapshots where job_id = ${job}`).toHaveLength(0);
    const event = Buffer.concat([
      Buffer.from(JSON.stringify(wireEvent(A, { release: 'REL' })).replace('"REL"', '"')),
      Buffer.from([0xff]),
      Buffer.from('"'),
    ]);
    expect((await post(aIngest, event)).status).toBe(400);
  });

  it('answers a 12 MiB snapshot with 413', async () => {
    const body = JSON.stringify(
      snapshot(A, { kind: 'queued', diagnostics: { pad: 'x'.repeat(12 * 1024 * 1024) } }),
    );
    expect((await put(randomUUID(), body, aWriter)).status).toBe(413);
  });

  it('answers malformed JSON with 400 on every route that reads a body', async () => {
    const malformed = '{"tenant_id": ';
    const job = randomUUID();
    process.env.TTFS_DEMO_USERS = '1';
    try {
      const responses: [string, Response][] = [
        ['PUT signal', await put(job, malformed, aWriter)],
        ['telemetry', await post(aIngest, malformed)],
        [
          'signatures',
          await createSignature(
            new Request(`${base}/api/v1/failure-signatures`, {
              method: 'POST',
              headers: json(admin),
              body: malformed,
            }),
          ),
        ],
        [
          'match',
          await matchSignatures(
            new Request(`${base}/api/v1/failure-signatures/match`, {
              method: 'POST',
              headers: json(admin),
              body: malformed,
            }),
          ),
        ],
        [
          'tokens',
          await createToken(
            new Request(`${base}/api/v1/tokens`, { method: 'POST', headers: json(admin), body: malformed }),
          ),
        ],
        [
          'sign-in',
          await signIn(
            new Request(`${base}/api/auth/sign-in`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: malformed,
            }),
          ),
        ],
      ];
      for (const [name, response] of responses) expect(response.status, name).toBe(400);
    } finally {
      delete process.env.TTFS_DEMO_USERS;
    }
  });

  it('answers a NUL in a search with 422, not 500', async () => {
    const response = await listSignatures(
      new Request(`${base}/api/v1/failure-signatures?q=%00`, { headers: admin.headers }),
    );
    expect(response.status).toBe(422);
    expect((await response.json()).issues[0].path).toBe('q');
  });
});

describe('public endpoints and roles', () => {
  it('shows the stranger only the health status; admins see the details', async () => {
    const anonymous = await health(new Request(`${base}/api/health`));
    expect(anonymous.status).toBe(200);
    const text = await anonymous.text();
    expect(JSON.parse(text)).toEqual({ status: 'ok', database: { status: 'up' } });
    expect(text).not.toContain(process.version);
    const detailed = await (
      await health(new Request(`${base}/api/health`, { headers: admin.headers }))
    ).json();
    expect(detailed.process.node).toBe(process.version);
    expect(typeof detailed.database.version).toBe('string');
    const support = await (
      await health(new Request(`${base}/api/health`, { headers: aSupport.headers }))
    ).json();
    expect(support.process).toBeUndefined();
    process.env.TTFS_METRICS_TOKEN = 'metrics-secret-token';
    try {
      const scraper = await health(
        new Request(`${base}/api/health`, { headers: { authorization: 'Bearer metrics-secret-token' } }),
      );
      expect((await scraper.json()).process.node).toBe(process.version);
      const wrong = await health(
        new Request(`${base}/api/health`, { headers: { authorization: 'Bearer nope' } }),
      );
      expect((await wrong.json()).process).toBeUndefined();
    } finally {
      delete process.env.TTFS_METRICS_TOKEN;
    }
  });

  it('lets only admins read signatures through the API, as the pages do', async () => {
    const created = await createSignature(
      new Request(`${base}/api/v1/failure-signatures`, {
        method: 'POST',
        headers: json(bAdmin),
        body: JSON.stringify({
          tenant_id: B,
          pattern: { error_code: `E_${randomUUID().slice(0, 8)}` },
          outcome: { likely_cause: SECRET },
        }),
      }),
    );
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const supportB = await testSession(sql, { role: 'support', tenants: [B] });
    expect(
      (await listSignatures(new Request(`${base}/api/v1/failure-signatures`, { headers: supportB.headers })))
        .status,
    ).toBe(403);
    expect(
      (
        await getSignature(
          new Request(`${base}/api/v1/failure-signatures/${id}`, { headers: supportB.headers }),
          ctx('signatureId', id),
        )
      ).status,
    ).toBe(403);
    // Tenant A's admin and the stranger see nothing of it.
    const aAdmin = await testSession(sql, { role: 'admin', tenants: [A] });
    const list = await listSignatures(
      new Request(`${base}/api/v1/failure-signatures`, { headers: aAdmin.headers }),
    );
    expectNoTenantB(await list.text());
    const one = await getSignature(
      new Request(`${base}/api/v1/failure-signatures/${id}`, { headers: aAdmin.headers }),
      ctx('signatureId', id),
    );
    expect(one.status).toBe(404);
    expectNoTenantB(await one.text());
    expect((await listSignatures(new Request(`${base}/api/v1/failure-signatures`))).status).toBe(401);
  });

  it('gives the stranger nothing on any tenant path', async () => {
    const job = randomUUID();
    await put(job, snapshot(B, { kind: 'queued' }), bWriter);
    const responses = [
      await readJob(job, stranger),
      await readRun(randomUUID(), stranger),
      await me(new Request(`${base}/api/auth/me`)),
      await listSignatures(new Request(`${base}/api/v1/failure-signatures`)),
      await post(stranger, wireEvent(B)),
      await put(job, snapshot(B), stranger),
    ];
    for (const response of responses) {
      expect(response.status).toBe(401);
      expectNoTenantB(await response.text());
    }
    // And tenant A, asking for B's job by id, gets exactly what a missing job gets.
    const asA = await readJob(job, aReader);
    expect(asA.status).toBe(404);
    expectNoTenantB(await asA.text());
  });
});
