// The machine lane answers GET /api/v1/jobs/{id}/signal and POST
// /api/v1/telemetry/ttfs in front of Next.js. Each case here goes through the
// lane over real HTTP and through the route handler, and both must answer the
// same (status, body, the headers clients use); the lane must also add what the
// proxy adds to API responses, and leave every other request to Next.js.
import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as routeGet } from '@/app/api/v1/jobs/[jobId]/signal/route';
import { POST as routePost } from '@/app/api/v1/telemetry/ttfs/route';
import { machineLane } from '@/lib/http/machine-lane';
import { sampleSum } from '../helpers/metrics';
import { newTenant, testSql } from '../helpers/db';
import { testSession, testToken, type TestCredentials } from '../helpers/auth';
import { wireEvent } from '../helpers/telemetry';

const sql = testSql();
const tenant = newTenant();
const other = newTenant();
let server: Server;
let base: string;
let reader: TestCredentials;
let writer: TestCredentials;
let ingester: TestCredentials;
let otherReader: TestCredentials;
let support: TestCredentials;

beforeAll(async () => {
  reader = await testToken(sql, { tenantId: tenant, scopes: ['signals:read'] });
  writer = await testToken(sql, { tenantId: tenant, scopes: ['signals:write'] });
  ingester = await testToken(sql, { tenantId: tenant, scopes: ['telemetry:write'] });
  otherReader = await testToken(sql, { tenantId: other, scopes: ['signals:read'] });
  support = await testSession(sql, { role: 'support', tenants: [tenant] });
  server = createServer((req, res) => {
    if (!machineLane(req, res)) res.writeHead(404, { 'x-served-by': 'next' }).end('next');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await sql.end();
});

interface Seen {
  status: number;
  body: unknown;
  headers: Record<string, string | null>;
}

const COMPARED = ['content-type', 'etag', 'cache-control', 'x-firstsignal-source', 'retry-after', 'vary'];

async function seen(response: Response): Promise<Seen> {
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    headers: Object.fromEntries(
      COMPARED.map((h) => [h, response.headers.get(h)?.replace(/;\s*charset=utf-8/i, '') ?? null]),
    ),
  };
}

/** The same GET through both paths. */
async function getBoth(jobId: string, headers: Record<string, string>) {
  const lane = await fetch(`${base}/api/v1/jobs/${jobId}/signal`, { headers });
  const route = await routeGet(new Request(`http://console.test/api/v1/jobs/${jobId}/signal`, { headers }), {
    params: Promise.resolve({ jobId }),
  });
  return { lane: await seen(lane), route: await seen(route), raw: lane };
}

/** The same POST through both paths (bodies given as text so malformed JSON can be sent). */
async function postBoth(body: string, headers: Record<string, string>) {
  const lane = await fetch(`${base}/api/v1/telemetry/ttfs`, { method: 'POST', headers, body });
  const route = await routePost(
    new Request('http://console.test/api/v1/telemetry/ttfs', { method: 'POST', headers, body }),
  );
  return { lane: await seen(lane), route: await seen(route), raw: lane };
}

const json = { 'content-type': 'application/json' };

describe('machine lane: job signal lookups', () => {
  it('answers like the route handler: 200 with ETag and source, then 304, for a token and for a session', async () => {
    const job = randomUUID();
    await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'queued', 'unknown', 'Queued at position 4', 40, null, null, ${sql.json({ queue_position: 4 })})`;
    const first = await getBoth(job, reader.headers);
    expect(first.lane.status).toBe(200);
    expect(first.lane).toEqual(first.route);
    expect(first.lane.body).toMatchObject({
      jobId: job,
      tenantId: tenant,
      kind: 'queued',
      summary: 'Queued at position 4',
      diagnostics: { queue_position: 4 },
    });
    const etag = first.lane.headers.etag!;
    const again = await getBoth(job, { ...reader.headers, 'if-none-match': etag });
    expect(again.lane.status).toBe(304);
    expect(again.lane).toEqual(again.route);
    const person = await getBoth(job, support.headers);
    expect(person.lane.status).toBe(200);
    expect(person.lane).toEqual(person.route);
  });

  it('answers repeated lookups (database, then cache, then 304) on one kept-alive connection', async () => {
    const job = randomUUID();
    await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'started', 'fetch', 'Fetching layers')`;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (headers: Record<string, string>) =>
      new Promise<{ status: number; connection: string | undefined; socket: unknown }>((resolve, reject) => {
        const req = httpRequest(`${base}/api/v1/jobs/${job}/signal`, { agent, headers }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode!, connection: res.headers.connection, socket: req.socket }),
          );
        });
        req.on('error', reject).end();
      });
    try {
      const first = await get(reader.headers);
      const cached = await get(reader.headers);
      const revalidated = await get({
        ...reader.headers,
        'if-none-match': (
          await fetch(`${base}/api/v1/jobs/${job}/signal`, { headers: reader.headers })
        ).headers.get('etag')!,
      });
      expect([first.status, cached.status, revalidated.status]).toEqual([200, 200, 304]);
      for (const reply of [first, cached, revalidated]) expect(reply.connection).not.toBe('close');
      expect(cached.socket).toBe(first.socket);
      expect(revalidated.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });

  it('writes every reply of a turn, in order: pipelined requests on one socket and lookups on many sockets at once', async () => {
    const job = randomUUID();
    await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'started', 'analyze', 'Analyzing layers')`;
    const first = await fetch(`${base}/api/v1/jobs/${job}/signal`, { headers: reader.headers });
    const etag = first.headers.get('etag')!;
    // Three requests in one write: the lane answers them in one turn, so one
    // socket holds three replies until the turn's writes go out together.
    const auth = `Authorization: ${reader.headers.authorization}`;
    const head = (extra = '') =>
      `GET /api/v1/jobs/${job}/signal HTTP/1.1\r\nHost: lane.test\r\n${auth}\r\n${extra}\r\n`;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect({ port: Number(new URL(base).port), host: '127.0.0.1' });
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        received += chunk;
        if ((received.match(/HTTP\/1\.1 \d{3} /g) ?? []).length === 3 && received.endsWith('\r\n\r\n'))
          socket.end();
      });
      socket.on('end', () => resolve(received)).on('error', reject);
      // The last reply is a 304 (no body), so the exchange ends at a blank line.
      socket.write(
        head() +
          head(`If-None-Match: ${etag}\r\n`) +
          head(`If-None-Match: ${etag}\r\nX-Request-Id: pipelined-3\r\n`),
      );
    });
    // A reply's status line follows the previous body directly (JSON has no final newline).
    expect(raw.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 304', 'HTTP/1.1 304']);
    expect(raw).toContain('X-Request-Id: pipelined-3');
    // Many connections whose requests arrive together: each gets its own reply.
    const jobs = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const id = randomUUID();
        await sql`select scheduler.upsert_first_signal_snapshot(${id}, ${tenant}, null, 'queued', 'unknown', ${`Queued at position ${i}`})`;
        return id;
      }),
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 40 });
    try {
      const bodies = await Promise.all(
        jobs.map(
          (id) =>
            new Promise<{ jobId: string; summary: string }>((resolve, reject) => {
              httpRequest(`${base}/api/v1/jobs/${id}/signal`, { agent, headers: reader.headers }, (res) => {
                let text = '';
                res
                  .setEncoding('utf8')
                  .on('data', (c: string) => (text += c))
                  .on('end', () => resolve(JSON.parse(text)));
              })
                .on('error', reject)
                .end();
            }),
        ),
      );
      expect(bodies.map((b) => [b.jobId, b.summary])).toEqual(
        jobs.map((id, i) => [id, `Queued at position ${i}`]),
      );
    } finally {
      agent.destroy();
    }
  });

  it('answers 401, 403, 404 (unknown, other tenant) and 422 exactly as the route handler does', async () => {
    const job = randomUUID();
    await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'started', 'resolve', 'Picked up')`;
    const cases: [string, Record<string, string>, number][] = [
      [job, {}, 401],
      [job, { authorization: `Bearer ttfs_${randomBytes(30).toString('base64url')}` }, 401],
      [job, writer.headers, 403],
      [randomUUID(), reader.headers, 404],
      [job, otherReader.headers, 404],
      ['not-a-uuid', reader.headers, 422],
    ];
    for (const [id, headers, status] of cases) {
      const both = await getBoth(id, headers);
      expect(both.lane.status, `${id} ${JSON.stringify(headers)}`).toBe(status);
      expect(both.lane).toEqual(both.route);
    }
  });

  it('serves the cold-start signal from telemetry when the job has no snapshot', async () => {
    const job = randomUUID();
    await sql`insert into scheduler.ttfs_events (tenant_id, job_id, surface, event_type, ttfs_ms, kind, phase) values (${tenant}, ${job}, 'ci', 'signal.rendered', 800, 'phase', 'analyze')`;
    const both = await getBoth(job, reader.headers);
    expect(both.lane.status).toBe(200);
    expect(both.lane.headers['x-firstsignal-source']).toBe('cold_start');
    expect(both.lane).toEqual(both.route);
  });

  it('adds the API security headers, echoes a well-formed X-Request-Id, and records the request in the metrics', async () => {
    const lookups = { method: 'GET', route: '/api/v1/jobs/:id/signal', status: '404' };
    const before = await sampleSum('ttfs_http_request_duration_seconds_count', lookups);
    const response = await fetch(`${base}/api/v1/jobs/${randomUUID()}/signal`, {
      headers: { ...reader.headers, 'x-request-id': 'req-lane-0001' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('req-lane-0001');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const fresh = await fetch(`${base}/api/v1/jobs/${randomUUID()}/signal`, {
      headers: { ...reader.headers, 'x-request-id': 'bad id!' },
    });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await sampleSum('ttfs_http_request_duration_seconds_count', lookups)).toBe(before + 2);
  });

  it('leaves every other request to Next.js', async () => {
    const job = randomUUID();
    for (const [method, path] of [
      ['PUT', `/api/v1/jobs/${job}/signal`],
      ['HEAD', `/api/v1/jobs/${job}/signal`],
      ['GET', `/api/v1/jobs/${job}/signal/`],
      ['GET', `/api/v1/runs/${job}/signal`],
      ['GET', '/api/v1/telemetry/ttfs'],
      ['GET', '/jobs'],
      ['GET', `/api/v1/jobs/%E0%A4%A/signal`],
    ] as const) {
      const response = await fetch(`${base}${path}`, { method, headers: reader.headers });
      expect(response.headers.get('x-served-by'), `${method} ${path}`).toBe('next');
    }
  });
});

describe('machine lane: telemetry ingest', () => {
  it('stores a batch all-or-nothing with 202 and counts a retried batch as duplicates, like the route handler', async () => {
    const batch = Array.from({ length: 20 }, () => wireEvent(tenant));
    const response = await fetch(`${base}/api/v1/telemetry/ttfs`, {
      method: 'POST',
      headers: { ...ingester.headers, ...json },
      body: JSON.stringify(batch),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 20, duplicates: 0, received: 20 });
    const retried = await postBoth(JSON.stringify(batch), { ...ingester.headers, ...json });
    expect(retried.lane).toEqual(retried.route);
    expect(retried.lane.body).toEqual({ accepted: 0, duplicates: 20, received: 20 });
    const [row] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from scheduler.ttfs_events where event_id = any(${batch.map((e) => e.event_id!)}::uuid[])`;
    expect(row.n).toBe(20);
  });

  it('answers every 4xx like the route handler, and stores nothing of a rejected request', async () => {
    const session = await testSession(sql, { role: 'admin', tenants: [tenant] });
    const good = () => JSON.stringify([wireEvent(tenant)]);
    const cases: [string, string, Record<string, string>, number][] = [
      ['no credentials', good(), json, 401],
      ['wrong scope', good(), { ...reader.headers, ...json }, 403],
      ['malformed JSON', '[{"schema_version":', { ...ingester.headers, ...json }, 400],
      ['not JSON', good(), { ...ingester.headers, 'content-type': 'text/plain' }, 415],
      ['another tenant', JSON.stringify([wireEvent(other)]), { ...ingester.headers, ...json }, 403],
      [
        'over 1,000 events',
        JSON.stringify(Array.from({ length: 1001 }, () => wireEvent(tenant))),
        { ...ingester.headers, ...json },
        413,
      ],
      [
        'bad items',
        JSON.stringify([wireEvent(tenant), wireEvent(tenant, { surface: 'tv' as never, ttfs_ms: -1 })]),
        { ...ingester.headers, ...json },
        422,
      ],
      [
        'NUL in a string',
        JSON.stringify([wireEvent(tenant), wireEvent(tenant, { error_message: 'a\u0000b' })]),
        { ...ingester.headers, ...json },
        422,
      ],
      [
        'cross-origin cookie POST',
        good(),
        { ...session.headers, ...json, origin: 'https://evil.example' },
        403,
      ],
    ];
    const [{ n: before }] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from scheduler.ttfs_events where tenant_id = ${tenant}`;
    for (const [name, body, headers, status] of cases) {
      const both = await postBoth(body, headers);
      expect(both.lane.status, name).toBe(status);
      expect(both.lane, name).toEqual(both.route);
    }
    const [{ n: after }] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from scheduler.ttfs_events where tenant_id = ${tenant}`;
    expect(after).toBe(before);
  });

  it('names the index and field path of a NUL character, which PostgreSQL text cannot hold', async () => {
    const response = await fetch(`${base}/api/v1/telemetry/ttfs`, {
      method: 'POST',
      headers: { ...ingester.headers, ...json },
      body: JSON.stringify([wireEvent(tenant), wireEvent(tenant, { metadata: { note: 'x\u0000' } })]),
    });
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.details).toEqual({
      stored: 0,
      errors: [{ index: 1, path: 'metadata.note', message: 'must not contain the NUL character (\\u0000)' }],
    });
  });

  it('refuses a body over 1 MiB with 413, by Content-Length or while streaming, and closes the connection', async () => {
    const big = `[${' '.repeat(1024 * 1024 + 10)}]`;
    const declared = await fetch(`${base}/api/v1/telemetry/ttfs`, {
      method: 'POST',
      headers: { ...ingester.headers, ...json },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect((await declared.json()).error).toBe('payload_too_large');
    // No Content-Length: a streamed (chunked) body, cut off once it passes the limit.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(32));
        controller.close();
      },
    });
    const streamed = await fetch(`${base}/api/v1/telemetry/ttfs`, {
      method: 'POST',
      headers: { ...ingester.headers, ...json },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(streamed.headers.get('connection')).toBe('close');
  });
});
