// The scanning platform's first-signal API and run stream, against the route
// handlers: every status, header and body field its clients rely on.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GET as orchestratorGet } from '@/app/api/v1/orchestrator/runs/[runId]/first-signal/route';
import { GET as jobengineGet } from '@/app/api/v1/jobengine/runs/[runId]/first-signal/route';
import { GET as orchestratorStream } from '@/app/api/v1/orchestrator/stream/runs/[runId]/route';
import { GET as jobengineStream } from '@/app/api/v1/jobengine/stream/runs/[runId]/route';
import { PUT as putJob } from '@/app/api/v1/jobs/[jobId]/signal/route';
import { originFirstSignal, originStreamEvent } from '@/lib/schemas/origin';
import { newTenant, testSql } from '../helpers/db';
import { testSession, testToken, type TestCredentials } from '../helpers/auth';
import { openSse } from '../helpers/sse';

const sql = testSql();
const onCitus = inject('engine') === 'citus';
const tenant = newTenant();
const other = newTenant();
let reader: TestCredentials;
let writer: TestCredentials;
let otherReader: TestCredentials;
let support: TestCredentials;
let admin: TestCredentials;
let slug: string;

type Handler = typeof orchestratorGet;
const PREFIXES: [string, Handler][] = [
  ['orchestrator', orchestratorGet],
  ['jobengine', jobengineGet],
];

function firstSignal(runId: string, headers: Record<string, string>, handler: Handler = orchestratorGet) {
  return handler(
    new Request(`http://console.test/api/v1/orchestrator/runs/${runId}/first-signal`, { headers }),
    {
      params: Promise.resolve({ runId }),
    },
  );
}
const as = (
  creds: TestCredentials,
  tenantId: string | null = tenant,
  extra: Record<string, string> = {},
) => ({
  ...creds.headers,
  ...(tenantId === null ? {} : { 'x-tenant-id': tenantId }),
  ...extra,
});

async function newRun(owner = tenant) {
  const run = randomUUID();
  await sql`insert into scheduler.runs (id, tenant_id) values (${run}, ${owner})`;
  return run;
}
function put(jobId: string, body: Record<string, unknown>, creds = writer) {
  return putJob(
    new Request(`http://console.test/api/v1/jobs/${jobId}/signal`, {
      method: 'PUT',
      headers: { ...creds.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        tenant_id: tenant,
        kind: 'started',
        phase: 'unknown',
        summary: 'Run started',
        ...body,
      }),
    }),
    { params: Promise.resolve({ jobId }) },
  );
}

beforeAll(async () => {
  reader = await testToken(sql, { tenantId: tenant, scopes: ['signals:read'] });
  writer = await testToken(sql, { tenantId: tenant, scopes: ['signals:write'] });
  otherReader = await testToken(sql, { tenantId: other, scopes: ['signals:read'] });
  support = await testSession(sql, { role: 'support', tenants: [tenant] });
  admin = await testSession(sql, { role: 'admin' });
  slug = (await sql<{ slug: string }[]>`select slug from console.tenants where id = ${tenant}`)[0]!.slug;
});
afterAll(() => sql.end());

describe('GET /api/v1/{orchestrator,jobengine}/runs/{runId}/first-signal', () => {
  it.each(PREFIXES)(
    '%s: 200 with the platform body and headers, 304 for any of several ETags',
    async (_, handler) => {
      const run = await newRun();
      const job = randomUUID();
      expect((await put(job, { run_id: run, diagnostics: { step: 'pull base image' } })).status).toBe(201);
      const response = await firstSignal(run, as(reader), handler);
      expect(response.status).toBe(200);
      const etag = response.headers.get('etag')!;
      expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
      expect(response.headers.get('cache-control')).toBe('private, max-age=60');
      expect(response.headers.get('cache-status')).toMatch(/^(hit|miss)$/);
      expect(response.headers.get('x-firstsignal-source')).toBe('snapshot');
      expect(response.headers.get('vary')).toContain('X-Tenant-Id');
      const body = await response.json();
      expect(originFirstSignal.strict().parse(body)).toEqual(body);
      const [row] = await sql<
        { updated_at: Date }[]
      >`select updated_at from scheduler.first_signal_snapshots where job_id = ${job}`;
      expect(body).toEqual({
        runId: run,
        firstSignal: {
          type: 'started',
          stage: 'unknown',
          step: 'pull base image',
          message: 'Run started',
          at: row!.updated_at.toISOString(),
          artifact: { kind: 'run', range: null },
        },
        summaryEtag: etag,
      });

      const several = await firstSignal(
        run,
        as(reader, tenant, { 'if-none-match': `W/"stale", ${etag}, "other"` }),
        handler,
      );
      expect(several.status).toBe(304);
      expect(several.headers.get('etag')).toBe(etag);
      expect(several.headers.get('cache-control')).toBe('private, max-age=60');
      expect(await several.text()).toBe('');
      const stale = await firstSignal(
        run,
        as(reader, tenant, { 'if-none-match': 'W/"stale", W/"older"' }),
        handler,
      );
      expect(stale.status).toBe(200);
    },
  );

  it('answers a repeated read from the instance cache (Cache-Status hit), and a change is a miss with a new ETag', async () => {
    const run = await newRun();
    const job = randomUUID();
    await put(job, { run_id: run });
    const first = await firstSignal(run, as(reader));
    expect(first.headers.get('cache-status')).toBe('miss');
    // The cache is used while the LISTEN connection is up; the first read starts it.
    let again = await firstSignal(run, as(reader));
    for (let i = 0; i < 100 && again.headers.get('cache-status') !== 'hit'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await firstSignal(run, as(reader));
      again = await firstSignal(run, as(reader));
    }
    expect(again.headers.get('cache-status')).toBe('hit');
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await again.json()).toEqual(await first.json());
    // A hit still honours If-None-Match.
    const revalidated = await firstSignal(
      run,
      as(reader, tenant, { 'if-none-match': first.headers.get('etag')! }),
    );
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('cache-status')).toBe('hit');

    // Same content written again: same ETag (only `at` changes).
    await put(job, { run_id: run });
    const rewritten = await firstSignal(run, as(reader));
    expect(rewritten.headers.get('cache-status')).toBe('miss');
    expect(rewritten.headers.get('etag')).toBe(first.headers.get('etag'));

    // Once the write's own invalidation has arrived, the answer is cached again.
    let cachedAgain = await firstSignal(run, as(reader));
    for (let i = 0; i < 100 && cachedAgain.headers.get('cache-status') !== 'hit'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      cachedAgain = await firstSignal(run, as(reader));
    }
    expect(cachedAgain.headers.get('cache-status')).toBe('hit');
    // A new failed job inserted into the run by another writer (plain SQL): the run's answer changes.
    await sql`insert into scheduler.first_signal_snapshots (job_id, tenant_id, run_id, kind, phase, summary)
      values (${randomUUID()}, ${tenant}, ${run}, 'failed', 'analyze', 'Analyzer crashed')`;
    // On one server a trigger tells the caches; on Citus such a writer must (docs/scaling.md), and
    // this call does nothing on one server.
    await sql`select scheduler.ttfs_notify_cache(${JSON.stringify({ runs: [run] })})`;
    let changed = await (await firstSignal(run, as(reader))).json();
    for (let i = 0; i < 100 && changed.firstSignal.type !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      changed = await (await firstSignal(run, as(reader))).json();
    }
    expect(changed.firstSignal).toMatchObject({
      type: 'failed',
      stage: 'analyze',
      message: 'Analyzer crashed',
    });
    expect(changed.summaryEtag).not.toBe(first.headers.get('etag'));
  });

  it('204 when the run exists but has no signal yet', async () => {
    const run = await newRun();
    const response = await firstSignal(run, as(reader));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect(response.headers.get('cache-control')).toBe('private, no-cache');
  });

  it('400 without X-Tenant-Id, with a malformed one, or with a run id that is not a UUID', async () => {
    const run = await newRun();
    for (const headers of [
      as(reader, null),
      as(reader, ''),
      as(reader, 'Not A Tenant!'),
      as(reader, 'x'.repeat(65)),
    ]) {
      const response = await firstSignal(run, headers);
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.error).toBe('bad_request');
      expect(body.issues[0].path).toBe('headers.x-tenant-id');
    }
    const bad = await firstSignal('not-a-uuid', as(reader));
    expect(bad.status).toBe(400);
    expect((await bad.json()).issues).toEqual([{ path: 'runId', message: 'must be a UUID' }]);
  });

  it("404 for an unknown run, another tenant's run, and a tenant the caller may not read", async () => {
    expect((await firstSignal(randomUUID(), as(reader))).status).toBe(404);
    const theirs = await newRun(other);
    await sql`select scheduler.upsert_first_signal_snapshot(${randomUUID()}, ${other}, ${theirs}, 'started', 'unknown', 'Run started')`;
    // Our tenant selected: their run does not exist for it.
    expect((await firstSignal(theirs, as(reader))).status).toBe(404);
    // Their tenant selected by a caller who may not read it: the same 404.
    const refused = await firstSignal(theirs, as(reader, other));
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({ error: 'not_found', message: 'No such run.' });
    expect((await firstSignal(theirs, as(support, other))).status).toBe(404);
    // A tenant that does not exist at all: the same 404.
    expect((await firstSignal(theirs, as(reader, 'no-such-tenant'))).status).toBe(404);
    // Their own reader sees it.
    expect((await firstSignal(theirs, as(otherReader, other))).status).toBe(200);
  });

  it('takes the tenant by UUID or slug, for sessions and tokens; 401 without credentials', async () => {
    const run = await newRun();
    await put(randomUUID(), { run_id: run });
    expect((await firstSignal(run, as(support, slug))).status).toBe(200);
    expect((await firstSignal(run, as(admin, tenant.toUpperCase()))).status).toBe(200);
    expect((await firstSignal(run, { 'x-tenant-id': tenant })).status).toBe(401);
  });
});

/** A stream of the run through the platform's stream route (the orchestrator's unless told). */
async function openStream(runId: string, headers: Record<string, string>, handler = orchestratorStream) {
  const client = await openSse(
    (request) => handler(request, { params: Promise.resolve({ runId }) }),
    `http://console.test/api/v1/orchestrator/stream/runs/${runId}`,
    headers,
  );
  return { response: client.response, client };
}

describe('GET /api/v1/{orchestrator,jobengine}/stream/runs/{runId}', () => {
  it.each([
    ['orchestrator', orchestratorStream],
    ['jobengine', jobengineStream],
  ] as const)(
    '%s: first_signal events with numeric kind and phase, the current one first, then each change',
    async (_, handler) => {
      const run = await newRun();
      const job = randomUUID();
      await put(job, { run_id: run, kind: 'queued', summary: 'Queued' });
      const { response, client } = await openStream(run, as(reader), handler);
      try {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
        const initial = await client.waitFor((e) => e.event === 'first_signal');
        const first = originStreamEvent.parse(JSON.parse(initial.data));
        expect(first).toMatchObject({
          runId: run,
          signal: {
            version: '1.0',
            jobId: job,
            kind: 0,
            phase: 6,
            scope: { type: 'run', id: run },
            summary: 'Queued',
          },
        });
        expect(first.signal.diagnostics).toMatchObject({ cacheHit: false, source: 'snapshot' });
        expect(client.retry).toBe(3000);
        await client.waitFor((e) => e.event === 'ready');

        await put(job, { run_id: run, kind: 'phase', phase: 'analyze', summary: 'Analyzing' });
        const next = await client.waitFor(
          (e) => e.event === 'first_signal' && JSON.parse(e.data).signal.summary === 'Analyzing',
        );
        const changed = originStreamEvent.parse(JSON.parse(next.data));
        expect(changed.signal).toMatchObject({ kind: 2, phase: 3 });
        expect(changed.etag).not.toBe(first.etag);
        // The stream's etag is the one GET …/first-signal answers with.
        const get = await firstSignal(run, as(reader));
        expect(get.headers.get('etag')).toBe(changed.etag);
        expect(next.id).toMatch(/^\d+$/);
      } finally {
        client.close();
      }
    },
  );

  it("never sends another tenant's job that claims the run", async () => {
    const run = await newRun();
    await put(randomUUID(), { run_id: run, summary: 'ours' });
    const { client } = await openStream(run, as(reader));
    try {
      await client.waitFor((e) => e.event === 'ready');
      const theirs = sql`select scheduler.upsert_first_signal_snapshot(${randomUUID()}, ${other}, ${run}, 'failed', 'analyze', 'theirs')`;
      // On Citus the run key (tenant_id, run_id) refuses it outright (docs/scaling.md).
      if (onCitus) await expect(theirs).rejects.toMatchObject({ code: '23503' });
      else await theirs;
      await put(randomUUID(), { run_id: run, kind: 'failed', phase: 'fetch', summary: 'ours failed' });
      await client.waitFor((e) => e.event === 'first_signal' && e.data.includes('ours failed'));
      expect(client.events.some((e) => e.data.includes('theirs'))).toBe(false);
    } finally {
      client.close();
    }
  });

  it('refuses before streaming: 400 without a tenant, 404 for a run of a tenant the caller may not read', async () => {
    const run = await newRun();
    expect((await openStream(run, as(reader, null))).response.status).toBe(400);
    expect((await openStream(run, as(otherReader, tenant))).response.status).toBe(404);
    expect((await openStream(run, as(otherReader, other))).response.status).toBe(404);
    expect((await openStream(randomUUID(), as(reader))).response.status).toBe(404);
  });
});
