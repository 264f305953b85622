import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getJob, PUT as putJob } from '@/app/api/v1/jobs/[jobId]/signal/route';
import { GET as getRun } from '@/app/api/v1/runs/[runId]/signal/route';
import { newTenant, testSql } from '../helpers/db';
import { testSession, testToken, type TestCredentials } from '../helpers/auth';

const sql = testSql();
const tenant = newTenant();
const other = newTenant();
let writer: TestCredentials;
let reader: TestCredentials;
let otherReader: TestCredentials;

const base = 'http://console.test/api/v1';
// Signals keep only next actions that lead to a page (lib/signals/actions.ts).
const RUN_LINK = '/runs/0b3c8f0e-1c55-4d8e-9a55-3c1b2d3e4f50';
const ctx = <K extends string>(key: K, id: string) => ({
  params: Promise.resolve({ [key]: id } as Record<K, string>),
});

function put(jobId: string, body: unknown, creds = writer) {
  return putJob(
    new Request(`${base}/jobs/${jobId}/signal`, {
      method: 'PUT',
      headers: { ...creds.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    ctx('jobId', jobId),
  );
}
function get(jobId: string, creds = reader, extra: Record<string, string> = {}) {
  return getJob(
    new Request(`${base}/jobs/${jobId}/signal`, { headers: { ...creds.headers, ...extra } }),
    ctx('jobId', jobId),
  );
}
const snapshot = (overrides: Record<string, unknown> = {}) => ({
  tenant_id: tenant,
  kind: 'queued',
  phase: 'unknown',
  summary: 'Queued at position 2',
  eta_seconds: 30,
  next_actions: [{ label: 'View run', href: RUN_LINK }],
  diagnostics: { queue_position: 2 },
  ...overrides,
});

beforeAll(async () => {
  writer = await testToken(sql, { tenantId: tenant, scopes: ['signals:write'] });
  reader = await testToken(sql, { tenantId: tenant, scopes: ['signals:read'] });
  otherReader = await testToken(sql, { tenantId: other, scopes: ['signals:read'] });
});
afterAll(() => sql.end());

describe('job signal API', () => {
  it('PUT creates (201) through upsert_first_signal_snapshot, then updates (200)', async () => {
    const job = randomUUID();
    const created = await put(job, snapshot());
    expect(created.status).toBe(201);
    expect((await created.json()).kind).toBe('queued');
    const updated = await put(job, snapshot({ kind: 'phase', phase: 'fetch', summary: 'Running fetch' }));
    expect(updated.status).toBe(200);
    const [row] =
      await sql`select kind, phase, summary from scheduler.first_signal_snapshots where job_id = ${job}`;
    expect(row).toEqual({ kind: 'phase', phase: 'fetch', summary: 'Running fetch' });
  });

  it('GET answers 200 with the canonical signal, a weak ETag, no-cache and the source', async () => {
    const job = randomUUID();
    await put(job, snapshot());
    const response = await get(job);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toMatch(/^W\/"/);
    expect(response.headers.get('cache-control')).toBe('private, no-cache');
    expect(response.headers.get('x-firstsignal-source')).toBe('snapshot');
    const body = await response.json();
    expect(body).toMatchObject({
      jobId: job,
      tenantId: tenant,
      kind: 'queued',
      phase: 'unknown',
      etaSeconds: 30,
      nextActions: [{ label: 'View run', href: RUN_LINK }],
      diagnostics: { queue_position: 2 },
    });
  });

  it('answers 304 to a current If-None-Match; the ETag is stable for equal content and changes with any visible change', async () => {
    const job = randomUUID();
    await put(job, snapshot());
    const etag = (await get(job)).headers.get('etag')!;
    expect((await get(job, reader, { 'if-none-match': etag })).status).toBe(304);
    await put(job, snapshot()); // same content again: updated_at moves, the ETag does not
    expect((await get(job)).headers.get('etag')).toBe(etag);
    // Equal content written with keys in another order (the ETag hashes plain JSON of jsonb values).
    const keyed = {
      diagnostics: { worker: 'w-1', queue_position: 2, retries: { count: 0, last: null } },
      next_actions: [{ label: 'View run', href: RUN_LINK }],
    };
    await put(job, snapshot(keyed));
    const keyedEtag = (await get(job)).headers.get('etag');
    await put(
      job,
      snapshot({
        diagnostics: { retries: { last: null, count: 0 }, queue_position: 2, worker: 'w-1' },
        next_actions: [{ href: RUN_LINK, label: 'View run' }],
      }),
    );
    expect((await get(job)).headers.get('etag')).toBe(keyedEtag);
    expect(keyedEtag).not.toBe(etag);
    await put(job, snapshot());
    for (const change of [
      { summary: 'Queued at position 1' },
      { eta_seconds: 29 },
      { diagnostics: { queue_position: 1 } },
      { next_actions: [{ label: 'Other', href: 'https://ci.example.test/x' }] },
    ]) {
      await put(job, snapshot(change));
      const next = (await get(job)).headers.get('etag');
      expect(next).not.toBe(etag);
      await put(job, snapshot());
    }
    expect((await get(job, reader, { 'if-none-match': etag })).status).toBe(304);
  });

  it('answers 404 for an unknown job and for another tenant’s job, identically', async () => {
    const job = randomUUID();
    await put(job, snapshot());
    const unknown = await get(randomUUID(), otherReader);
    const foreign = await get(job, otherReader);
    expect(unknown.status).toBe(404);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toEqual(await unknown.json());
  });

  it('rejects bad ids and bad bodies with 422 and the field path, and unsafe hrefs', async () => {
    const bad = await get('not-a-uuid');
    expect(bad.status).toBe(422);
    expect((await bad.json()).issues[0].path).toBe('jobId');
    const job = randomUUID();
    const response = await put(
      job,
      snapshot({ kind: 'exploded', next_actions: [{ label: 'x', href: 'javascript:alert(1)' }] }),
    );
    expect(response.status).toBe(422);
    const paths = (await response.json()).issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['kind', 'next_actions.0.href']);
    const [row] =
      await sql`select count(*)::int as n from scheduler.first_signal_snapshots where job_id = ${job}`;
    expect(row!.n).toBe(0);
  });

  it('refuses writes without signals:write (403) and for another tenant (403); a job never changes tenant (409)', async () => {
    const job = randomUUID();
    expect((await put(job, snapshot(), reader)).status).toBe(403);
    expect((await put(job, snapshot({ tenant_id: other }))).status).toBe(403);
    const person = await testSession(sql, { role: 'admin' });
    expect((await put(job, snapshot(), person)).status).toBe(403);
    await put(job, snapshot());
    const otherWriter = await testToken(sql, { tenantId: other, scopes: ['signals:write'] });
    expect((await put(job, snapshot({ tenant_id: other }), otherWriter)).status).toBe(404);
    const operator = await testToken(sql, { tenantId: tenant, scopes: ['signals:write'] });
    expect((await put(job, snapshot({ tenant_id: tenant }), operator)).status).toBe(200);
  });

  it('falls back to a cold-start signal computed from telemetry when the snapshot is gone', async () => {
    const job = randomUUID();
    await sql`insert into scheduler.ttfs_events (tenant_id, job_id, surface, event_type, ttfs_ms, kind, phase) values (${tenant}, ${job}, 'cli', 'signal.rendered', 800, 'succeeded', 'report')`;
    const response = await get(job);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-firstsignal-source')).toBe('cold_start');
    expect(await response.json()).toMatchObject({ jobId: job, kind: 'succeeded', phase: 'report' });
  });
});

describe('run signal API', () => {
  it('returns the first failed job of the run, else the most recently updated; 204 without jobs; 404 across tenants', async () => {
    const run = randomUUID();
    await sql`insert into scheduler.runs (id, tenant_id) values (${run}, ${tenant})`;
    const runGet = (creds = reader) =>
      getRun(new Request(`${base}/runs/${run}/signal`, { headers: creds.headers }), ctx('runId', run));
    expect((await runGet()).status).toBe(204);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await put(a, snapshot({ run_id: run, kind: 'phase', phase: 'analyze', summary: 'a' }));
    await put(b, snapshot({ run_id: run, kind: 'phase', phase: 'fetch', summary: 'b' }));
    expect((await (await runGet()).json()).jobId).toBe(b);
    await put(c, snapshot({ run_id: run, kind: 'failed', phase: 'fetch', summary: 'c' }));
    await put(a, snapshot({ run_id: run, kind: 'phase', phase: 'policy', summary: 'a2' }));
    expect((await (await runGet()).json()).jobId).toBe(c);
    expect((await runGet(otherReader)).status).toBe(404);
    const unknown = await getRun(
      new Request(`${base}/runs/${randomUUID()}/signal`, { headers: reader.headers }),
      ctx('runId', randomUUID()),
    );
    expect(unknown.status).toBe(404);
  });
});
