// The scanning platform's first-signal API and run stream on the running server
// (proxy, route handlers, the real caches and LISTEN connection), as its clients
// call them: a support session, X-Tenant-Id, If-None-Match.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { TENANTS } from './auth-helpers';
import { appDatabase } from './db';
import { expect, test } from './fixtures';

test.use({ signedInAs: null });
test.describe.configure({ mode: 'serial' });

let cookie = '';
let runId = '';
let slug = '';

test.beforeAll(async ({ baseURL }) => {
  const response = await fetch(`${baseURL}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'support', password: 'support-demo' }),
  });
  expect(response.status).toBe(200);
  cookie = /ttfs_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')![0];
  const sql = appDatabase();
  try {
    runId = (
      await sql<{ run_id: string }[]>`
      select run_id from scheduler.first_signal_snapshots where tenant_id = ${TENANTS.acme} and run_id is not null limit 1`
    )[0]!.run_id;
    slug = (await sql<{ slug: string }[]>`select slug from console.tenants where id = ${TENANTS.acme}`)[0]!
      .slug;
  } finally {
    await sql.end();
  }
});

const get = (origin: string, path: string, headers: Record<string, string> = {}) =>
  fetch(`${origin}${path}`, { headers: { cookie, ...headers } });

for (const prefix of ['orchestrator', 'jobengine']) {
  test(`${prefix}: 200 with the platform body and headers, then 304 and a cache hit`, async ({ baseURL }) => {
    const path = `/api/v1/${prefix}/runs/${runId}/first-signal`;
    const first = await get(baseURL!, path, { 'x-tenant-id': TENANTS.acme });
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers.get('cache-control')).toBe('private, max-age=60');
    expect(first.headers.get('x-firstsignal-source')).toBe('snapshot');
    const body = await first.json();
    expect(body).toMatchObject({
      runId,
      summaryEtag: etag,
      firstSignal: { artifact: { kind: 'run', range: null } },
    });
    expect(Object.keys(body.firstSignal).sort()).toEqual([
      'artifact',
      'at',
      'message',
      'stage',
      'step',
      'type',
    ]);

    // By slug, with several ETags: 304, and answered from the instance's cache once it holds the run.
    let revalidated = await get(baseURL!, path, { 'x-tenant-id': slug, 'if-none-match': `W/"old", ${etag}` });
    for (let i = 0; i < 50 && revalidated.headers.get('cache-status') !== 'hit'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      revalidated = await get(baseURL!, path, { 'x-tenant-id': slug, 'if-none-match': `W/"old", ${etag}` });
    }
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('cache-status')).toBe('hit');
    expect(revalidated.headers.get('etag')).toBe(etag);
  });
}

test('400 without X-Tenant-Id, 404 for a tenant the caller cannot read', async ({ baseURL }) => {
  const path = `/api/v1/orchestrator/runs/${runId}/first-signal`;
  const missing = await get(baseURL!, path);
  expect(missing.status).toBe(400);
  expect((await missing.json()).issues[0].path).toBe('headers.x-tenant-id');
  expect((await get(baseURL!, path, { 'x-tenant-id': TENANTS.globex })).status).toBe(404);
});

test('the run stream sends first_signal with numeric kind and phase', async ({ baseURL }) => {
  const controller = new AbortController();
  const response = await fetch(`${baseURL}/api/v1/orchestrator/stream/runs/${runId}`, {
    headers: { cookie, 'x-tenant-id': TENANTS.acme },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  try {
    while (!events.some((e) => e.event === 'ready')) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    controller.abort();
  }
  const signal = events.find((e) => e.event === 'first_signal');
  expect(signal, JSON.stringify(events)).toBeDefined();
  const data = JSON.parse(signal!.data);
  expect(data).toMatchObject({ runId, signal: { version: '1.0', scope: { type: 'run', id: runId } } });
  expect(typeof data.signal.kind).toBe('number');
  expect(typeof data.signal.phase).toBe('number');
});
