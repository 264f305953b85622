import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/api/v1/telemetry/ttfs/route';
import { GET as getMetrics } from '@/app/api/metrics/route';
import { newTenant, testSql } from '../helpers/db';
import { testToken } from '../helpers/auth';
import { wireEvent } from '../helpers/telemetry';

const sql = testSql();
const tenant = newTenant();
const otherTenant = newTenant();
const url = 'http://console.test/api/v1/telemetry/ttfs';
let headers: Record<string, string>;

function post(body: unknown, extra: Record<string, string> = {}) {
  return POST(
    new Request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', ...extra },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

async function storedFor(t: string) {
  const [row] = await sql<
    [{ n: number }]
  >`select count(*)::int as n from scheduler.ttfs_events where tenant_id = ${t}`;
  return row.n;
}

beforeAll(async () => {
  headers = (await testToken(sql, { tenantId: tenant, scopes: ['telemetry:write'] })).headers;
});
afterAll(() => sql.end());

describe('POST /api/v1/telemetry/ttfs', () => {
  it('accepts one event with 202 and stores it with every field', async () => {
    const fields = {
      surface: 'cli',
      event_type: 'signal.error',
      ttfs_ms: 4321,
      cache_hit: false,
      error_code: 'E_X',
      release: 'v9',
      metadata: { a: 1 },
    } as const;
    const event = wireEvent(tenant, fields);
    const response = await post(event);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, duplicates: 0, received: 1 });
    const [row] = await sql`select * from scheduler.ttfs_events where event_id = ${event.event_id!}`;
    expect(row).toMatchObject({ ...fields, tenant_id: tenant, job_id: event.job_id });
    expect((row!.ts as Date).toISOString()).toBe(new Date(event.timestamp!).toISOString());
  });

  it('never counts a retried batch twice (idempotent on event_id)', async () => {
    const batch = Array.from({ length: 50 }, () => wireEvent(tenant));
    const first = await (await post(batch)).json();
    expect(first).toEqual({ accepted: 50, duplicates: 0, received: 50 });
    const again = await (await post(batch)).json();
    expect(again).toEqual({ accepted: 0, duplicates: 50, received: 50 });
    const [row] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from scheduler.ttfs_events where event_id = any(${batch.map((e) => e.event_id!)}::uuid[])`;
    expect(row.n).toBe(50);
  });

  it('counts a duplicate inside one batch once', async () => {
    const event = wireEvent(tenant);
    expect(await (await post([event, event])).json()).toEqual({ accepted: 1, duplicates: 1, received: 2 });
  });

  it('stores a batch that overlaps stored events exactly once, and concurrent copies of a batch once in all', async () => {
    const stored = Array.from({ length: 5 }, () => wireEvent(tenant));
    expect(await (await post(stored)).json()).toEqual({ accepted: 5, duplicates: 0, received: 5 });
    const fresh = Array.from({ length: 7 }, () => wireEvent(tenant));
    // Old and new events mixed: the new ones are stored, the old ones counted as duplicates.
    expect(await (await post([fresh[0], stored[2], ...fresh.slice(1), stored[4]])).json()).toEqual({
      accepted: 7,
      duplicates: 2,
      received: 9,
    });
    const copies = Array.from({ length: 40 }, () => wireEvent(tenant));
    const results = await Promise.all(
      Array.from(
        { length: 4 },
        async () => (await post(copies)).json() as Promise<{ accepted: number; duplicates: number }>,
      ),
    );
    expect(results.reduce((sum, r) => sum + r.accepted, 0)).toBe(40);
    expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(120);
    const ids = [...stored, ...fresh, ...copies].map((e) => e.event_id!);
    const [row] = await sql<
      [{ n: number; distinct: number }]
    >`select count(*)::int as n, count(distinct event_id)::int as distinct from scheduler.ttfs_events where event_id = any(${ids}::uuid[])`;
    expect(row).toEqual({ n: 52, distinct: 52 });
  });

  it('stores every text exactly, whatever characters it holds, and lines up fields only some events set', async () => {
    const awkward = [
      'say "hi"',
      'back\\slash',
      'a,b',
      '{braces}',
      'NULL',
      '',
      '  padded  ',
      'line\nbreak\ttab\r',
      'émoji 🚀',
      '\\"',
      '"',
    ];
    const batch = awkward.map((text, i) =>
      wireEvent(tenant, {
        // Fields set by some events only: each event's values must stay on its own row.
        ...(i % 2 === 0 ? { release: text, device: `d${i}` } : { error_message: text }),
        ...(i === awkward.length - 1 ? { trace_id: 'only-the-last', run_id: wireEvent(tenant).job_id } : {}),
        // No timestamp on one event: the server's now(); an offset on another: kept as the same instant.
        ...(i === 3
          ? { timestamp: undefined }
          : i === 4
            ? { timestamp: '2026-11-30T23:30:00.250+05:30' }
            : {}),
        metadata: { text, nested: { list: [text, 1, null, true] } },
        ttfs_ms: 1000 + i,
        cache_hit: i % 3 === 0,
      }),
    );
    const before = Date.now();
    expect(await (await post(batch)).json()).toEqual({
      accepted: awkward.length,
      duplicates: 0,
      received: awkward.length,
    });
    const rows = await sql<
      {
        event_id: string;
        ts: Date;
        release: string | null;
        device: string | null;
        error_message: string | null;
        trace_id: string | null;
        run_id: string | null;
        metadata: unknown;
        ttfs_ms: number;
        cache_hit: boolean;
      }[]
    >`
      select event_id, ts, release, device, error_message, trace_id, run_id, metadata, ttfs_ms, cache_hit
      from scheduler.ttfs_events where event_id = any(${batch.map((e) => e.event_id!)}::uuid[])`;
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    batch.forEach((event, i) => {
      const row = byId.get(event.event_id!)!;
      expect(row, `event ${i}`).toMatchObject({
        release: event.release ?? null,
        device: event.device ?? null,
        error_message: event.error_message ?? null,
        trace_id: event.trace_id ?? null,
        run_id: event.run_id ?? null,
        metadata: event.metadata,
        ttfs_ms: event.ttfs_ms,
        cache_hit: event.cache_hit,
      });
      if (event.timestamp)
        expect(row.ts.toISOString(), `event ${i}`).toBe(new Date(event.timestamp).toISOString());
      else expect(row.ts.getTime(), `event ${i}`).toBeGreaterThanOrEqual(before - 1000);
    });
    expect(byId.get(batch[4]!.event_id!)!.ts.toISOString()).toBe('2026-11-30T18:00:00.250Z');
  });

  it('names each lone surrogate, which PostgreSQL text cannot hold, and stores nothing', async () => {
    const before = await storedFor(tenant);
    const good = JSON.stringify(wireEvent(tenant));
    const bad = JSON.stringify(wireEvent(tenant, { release: 'REL' })).replace('"REL"', '"v\\ud800"');
    const paired = JSON.stringify(wireEvent(tenant, { release: 'REL' })).replace('"REL"', '"\\ud83d\\ude80"');
    const response = await post(`[${good},${bad},${paired}]`);
    expect(response.status).toBe(422);
    expect((await response.json()).details).toEqual({
      stored: 0,
      errors: [
        {
          index: 1,
          path: 'release',
          message: 'must be well-formed Unicode (a lone surrogate such as \\ud800 cannot be stored)',
        },
      ],
    });
    expect(await storedFor(tenant)).toBe(before);
    // A surrogate pair written as escapes is one well-formed character.
    expect((await post(`[${paired}]`)).status).toBe(202);
  });

  it('rejects a batch with bad items with 422, listing index and field path, and stores nothing', async () => {
    const before = await storedFor(tenant);
    const batch = [
      wireEvent(tenant),
      wireEvent(tenant, { surface: 'tv' as never }),
      wireEvent(tenant),
      wireEvent(tenant, { ttfs_ms: -5, job_id: 'nope' }),
    ];
    const response = await post(batch);
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.message).toMatch(/2 of 4 events are invalid; nothing from this request was stored/);
    expect(body.details.stored).toBe(0);
    const paths = body.details.errors
      .map((e: { index: number; path: string }) => `${e.index}:${e.path}`)
      .sort();
    expect(paths).toEqual(['1:surface', '3:job_id', '3:ttfs_ms']);
    expect(await storedFor(tenant)).toBe(before);
  });

  it('rejects unknown fields and a wrong schema_version', async () => {
    const response = await post([
      wireEvent(tenant, { schema_version: 'v2' as never }),
      { ...wireEvent(tenant), colour: 'red' },
    ]);
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(
      body.details.errors.map((e: { index: number; path: string }) => `${e.index}:${e.path}`).sort(),
    ).toEqual(['0:schema_version', '1:(root)']);
  });

  it('answers 400 for malformed JSON, 415 for another content type', async () => {
    expect((await post('{"schema_version": ')).status).toBe(400);
    expect((await post(JSON.stringify(wireEvent(tenant)), { 'content-type': 'text/plain' })).status).toBe(
      415,
    );
  });

  it('answers 413 over 1,000 events or 1 MiB, and stores nothing', async () => {
    const before = await storedFor(tenant);
    const many = await post(Array.from({ length: 1001 }, () => wireEvent(tenant)));
    expect(many.status).toBe(413);
    expect((await many.json()).message).toMatch(/at most 1000 events/);
    const big = await post([
      wireEvent(tenant, { error_message: 'x'.repeat(2000), metadata: { blob: 'y'.repeat(1024 * 1024) } }),
    ]);
    expect(big.status).toBe(413);
    expect((await big.json()).message).toMatch(/1 MiB/);
    expect(await storedFor(tenant)).toBe(before);
  });

  it('refuses events for another tenant than the token with 403 and stores none of the batch', async () => {
    const response = await post([wireEvent(tenant), wireEvent(otherTenant)]);
    expect(response.status).toBe(403);
    expect(await storedFor(otherTenant)).toBe(0);
  });

  it('requires a token with telemetry:write', async () => {
    const reader = await testToken(sql, { tenantId: tenant, scopes: ['signals:read'] });
    const response = await POST(
      new Request(url, {
        method: 'POST',
        headers: { ...reader.headers, 'content-type': 'application/json' },
        body: JSON.stringify(wireEvent(tenant)),
      }),
    );
    expect(response.status).toBe(403);
    const anonymous = await POST(
      new Request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(wireEvent(tenant)),
      }),
    );
    expect(anonymous.status).toBe(401);
  });
});

describe('metrics of a batch with duplicates', () => {
  /**
   * The sum of ttfs_signal_total over every series, from real scrapes of
   * /api/metrics: the second one, since a new series is exported at 0 first.
   */
  async function signalTotal() {
    process.env.TTFS_METRICS_TOKEN ??= 'ingest-test-metrics-token';
    const scrape = () =>
      getMetrics(
        new Request('http://console.test/api/metrics', {
          headers: { authorization: `Bearer ${process.env.TTFS_METRICS_TOKEN}` },
        }),
      );
    await scrape();
    const response = await scrape();
    expect(response.status).toBe(200);
    return (await response.text())
      .split('\n')
      .filter((line) => line.startsWith('ttfs_signal_total'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }

  it('records the events a batch stored even when it also carried duplicates', async () => {
    const stored = Array.from({ length: 2 }, () => wireEvent(tenant));
    expect((await post(stored)).status).toBe(202);
    const fresh = Array.from({ length: 3 }, () => wireEvent(tenant));
    const before = await signalTotal();
    expect(await (await post([stored[0], ...fresh, stored[1], fresh[1]])).json()).toEqual({
      accepted: 3,
      duplicates: 3,
      received: 6,
    });
    // The three stored events count once each; the duplicates were counted when first stored.
    expect((await signalTotal()) - before).toBe(3);
    // A batch of duplicates only counts nothing.
    const again = await signalTotal();
    expect(await (await post(fresh)).json()).toEqual({ accepted: 0, duplicates: 3, received: 3 });
    expect(await signalTotal()).toBe(again);
  });
});
