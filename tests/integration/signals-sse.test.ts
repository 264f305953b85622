import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as stream } from '@/app/api/v1/stream/signals/route';
import { hubStats } from '@/lib/signals/hub';
import { newTenant, testSql } from '../helpers/db';
import { testToken, type TestCredentials } from '../helpers/auth';
import { eventually } from '../helpers/wait';
import { openSse, type SseClient } from '../helpers/sse';

const sql = testSql();
const tenant = newTenant();
let reader: TestCredentials;

const open = (query: string, creds = reader): Promise<SseClient> =>
  openSse(stream, `http://console.test/api/v1/stream/signals?${query}`, creds.headers);

const upsert = (job: string, kind: string, phase: string, summary: string, run: string | null = null) =>
  sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, ${run}, ${kind}, ${phase}, ${summary})`;

beforeAll(async () => {
  reader = await testToken(sql, { tenantId: tenant, scopes: ['signals:read'] });
});
afterAll(() => sql.end());

describe('SSE relay of ttfs_signal_update', () => {
  it('sends SSE headers, the current snapshot first, then every change to every client', async () => {
    const job = randomUUID();
    await upsert(job, 'queued', 'unknown', 'Queued at position 4');
    const a = await open(`jobId=${job}`);
    const b = await open(`jobId=${job}`);
    expect(a.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(a.response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(a.response.headers.get('content-encoding')).toBe('none');
    const first = await a.waitFor((e) => e.event === 'signal');
    expect(JSON.parse(first.data)).toMatchObject({ jobId: job, kind: 'queued' });
    await a.waitFor((e) => e.event === 'ready');
    await b.waitFor((e) => e.event === 'ready');

    await upsert(job, 'phase', 'fetch', 'Running fetch');
    for (const client of [a, b]) {
      const change = await client.waitFor((e) => e.event === 'signal' && e.data.includes('Running fetch'));
      expect(JSON.parse(change.data)).toMatchObject({ jobId: job, kind: 'phase', phase: 'fetch' });
    }
    expect(hubStats().listenConnections).toBe(1);
    a.close();
    b.close();
  });

  it('feeds a tenant-wide stream with new jobs and a run stream with its jobs only', async () => {
    const run = randomUUID();
    await sql`insert into scheduler.runs (id, tenant_id) values (${run}, ${tenant})`;
    const feed = await open('');
    const runStream = await open(`runId=${run}`);
    await feed.waitFor((e) => e.event === 'ready');
    await runStream.waitFor((e) => e.event === 'ready');
    const inRun = randomUUID();
    const outside = randomUUID();
    await upsert(outside, 'queued', 'unknown', 'not in run');
    await upsert(inRun, 'started', 'resolve', 'in run', run);
    await feed.waitFor((e) => e.data.includes(outside));
    await feed.waitFor((e) => e.data.includes(inRun));
    await runStream.waitFor((e) => e.data.includes(inRun));
    expect(runStream.events.some((e) => e.data.includes(outside))).toBe(false);
    feed.close();
    runStream.close();
  });

  it('releases a disconnected client at once', async () => {
    const job = randomUUID();
    await upsert(job, 'queued', 'unknown', 'x');
    const before = hubStats().openStreams;
    const client = await open(`jobId=${job}`);
    await client.waitFor((e) => e.event === 'ready');
    expect(hubStats().openStreams).toBe(before + 1);
    client.close();
    expect(await eventually(async () => hubStats().openStreams, before)).toBe(before);
  });

  it('answers another tenant’s job exactly like an unknown one, and 401 without credentials', async () => {
    const job = randomUUID();
    await upsert(job, 'queued', 'unknown', 'x');
    const foreign = await testToken(sql, { tenantId: newTenant(), scopes: ['signals:read'] });
    const theirs = await open(`jobId=${job}`, foreign);
    const unknown = await open(`jobId=${randomUUID()}`, foreign);
    await theirs.waitFor((e) => e.event === 'ready');
    await unknown.waitFor((e) => e.event === 'ready');
    expect(theirs.response.status).toBe(200);
    expect(theirs.events.map((e) => e.event)).toEqual(unknown.events.map((e) => e.event));
    expect(theirs.events.some((e) => e.event === 'signal')).toBe(false);
    theirs.close();
    unknown.close();
    expect((await stream(new Request(`http://console.test/api/v1/stream/signals?jobId=${job}`))).status).toBe(
      401,
    );
  });
});
