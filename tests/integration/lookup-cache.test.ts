// The per-process lookup caches (lib/cache/lookup-cache.ts): hits skip the
// database, and every change, whoever makes it, reaches them through the
// database's invalidation messages; a read that raced a change never stores
// the old value; without a listener nothing is cached.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { GET as getJob, PUT as putJob } from '@/app/api/v1/jobs/[jobId]/signal/route';
import { GET as getMe } from '@/app/api/auth/me/route';
import {
  cacheStats,
  cacheTicket,
  cachedSignal,
  cachedToken,
  invalidateLocally,
  listenerDown,
  listenerUp,
  storeSignal,
} from '@/lib/cache/lookup-cache';
import { GET as getMetrics } from '@/app/api/metrics/route';
import { APPLICATION_NAMES, LOOKUP_CONNECTIONS, lookupSql, POOL_SIZE } from '@/lib/db';
import { getSnapshot } from '@/lib/queries/signals';
import { renderSignal } from '@/lib/signals/respond';
import { signatureHash } from '@/lib/signatures/hash';
import { newTenant, testSql } from '../helpers/db';
import { eventually } from '../helpers/wait';
import { testToken, type TestCredentials } from '../helpers/auth';

// On Citus no trigger NOTIFYs for a plain UPDATE or DELETE (the console's writers and
// upsert_first_signal_snapshot do, tests/integration/citus.test.ts) and the lookup batches use no
// generic plan: docs/scaling.md.
const onCitus = inject('engine') === 'citus';

const sql = testSql();
const listener = testSql({ max: 1 });
const tenant = newTenant();
let reader: TestCredentials;
let writer: TestCredentials;

const get = (jobId: string, headers: Record<string, string> = reader.headers) =>
  getJob(new Request(`http://console.test/api/v1/jobs/${jobId}/signal`, { headers }), {
    params: Promise.resolve({ jobId }),
  });

async function summaryOf(jobId: string) {
  const response = await get(jobId);
  return response.status === 200 ? ((await response.json()) as { summary: string }).summary : response.status;
}

async function metricsText() {
  const saved = process.env.TTFS_METRICS_TOKEN;
  process.env.TTFS_METRICS_TOKEN = 'lookup-cache-test';
  try {
    const response = await getMetrics(
      new Request('http://console.test/api/metrics', {
        headers: { authorization: 'Bearer lookup-cache-test' },
      }),
    );
    expect(response.status).toBe(200);
    return await response.text();
  } finally {
    if (saved === undefined) delete process.env.TTFS_METRICS_TOKEN;
    else process.env.TTFS_METRICS_TOKEN = saved;
  }
}

async function cachedJob(summary: string) {
  const job = randomUUID();
  await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'queued', 'unknown', ${summary})`;
  // Warm: the first lookup starts the listener, later ones fill the cache once it is up.
  await eventually(async () => {
    await get(job);
    return cachedSignal(job) !== undefined;
  }, true);
  return job;
}

beforeAll(async () => {
  reader = await testToken(sql, { tenantId: tenant, scopes: ['signals:read'] });
  writer = await testToken(sql, { tenantId: tenant, scopes: ['signals:write'] });
});
afterAll(async () => {
  await listener.end();
  await sql.end();
});

describe('job signal cache', () => {
  it('answers a repeated lookup from memory', async () => {
    const job = await cachedJob('Queued at position 1');
    const before = cacheStats().hits;
    expect(await summaryOf(job)).toBe('Queued at position 1');
    expect(await summaryOf(job)).toBe('Queued at position 1');
    expect(cacheStats().hits).toBe(before + 2);
  });

  it('serves a cached signal byte for byte as the database read renders it, multi-byte text included', async () => {
    const summary = 'Étape «analyse» — 分析中 ✓ 🚀';
    const job = await cachedJob(summary);
    const before = cacheStats().hits;
    const response = await get(job);
    expect(cacheStats().hits).toBe(before + 1);
    const rendered = renderSignal((await getSnapshot(job))!, true);
    expect(await response.text()).toBe(rendered.body);
    expect(response.headers.get('etag')).toBe(rendered.etag);
    expect((JSON.parse(rendered.body) as { summary: string }).summary).toBe(summary);
  });

  it.skipIf(onCitus)(
    'sees changes made by other writers: the schema function, a plain UPDATE, a DELETE',
    async () => {
      const job = await cachedJob('one');
      await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'started', 'resolve', 'two')`;
      expect(await eventually(() => summaryOf(job), 'two')).toBe('two');
      await eventually(async () => {
        await get(job);
        return cachedSignal(job) !== undefined;
      }, true);
      await sql`update scheduler.first_signal_snapshots set summary = 'three' where job_id = ${job}`;
      expect(await eventually(() => summaryOf(job), 'three')).toBe('three');
      await sql`delete from scheduler.first_signal_snapshots where job_id = ${job}`;
      expect(await eventually(() => summaryOf(job), 404)).toBe(404);
    },
  );

  it('reads its own writes at once (a PUT through this instance)', async () => {
    const job = await cachedJob('before');
    const put = await putJob(
      new Request(`http://console.test/api/v1/jobs/${job}/signal`, {
        method: 'PUT',
        headers: { ...writer.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ tenant_id: tenant, kind: 'phase', phase: 'fetch', summary: 'after' }),
      }),
      { params: Promise.resolve({ jobId: job }) },
    );
    expect(put.status).toBe(200);
    expect(await summaryOf(job)).toBe('after');
  });

  it.skipIf(onCitus)(
    'keeps a failed job until a failure signature changes, and not past the expiry of the one it matched',
    async () => {
      const code = `E_${randomUUID().slice(0, 8)}`;
      const pattern = { error_code: code };
      const [signature] = await sql<[{ id: string }]>`
      insert into scheduler.failure_signatures (tenant_id, signature_hash, pattern, outcome, confidence, expires_at)
      values (${tenant}, ${signatureHash(pattern)}, ${sql.json(pattern)}, ${sql.json({ likely_cause: 'Cause one' })}, 0.8, now() + interval '1 second')
      returning id`;
      const job = randomUUID();
      await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'failed', 'analyze', 'Failed', null, null, null, ${sql.json({ error_code: code })})`;
      const cause = async () =>
        ((await (await get(job)).json()) as { prediction: { likelyCause: string } | null }).prediction
          ?.likelyCause ?? null;
      expect(await eventually(async () => (await cause(), cachedSignal(job) !== undefined), true)).toBe(true);
      expect(cachedSignal(job)!.failed).toBe(true);
      // Any signature change (here by plain SQL, as another instance would) drops it.
      await sql`update scheduler.failure_signatures set outcome = ${sql.json({ likely_cause: 'Cause two' })} where id = ${signature.id}`;
      expect(await eventually(cause, 'Cause two')).toBe('Cause two');
      // Past the matched signature's expiry the entry is not served: the match is gone.
      const { expiresAt } = cachedSignal(job)!;
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 1000);
      // The event here is the clock passing the signature's expiry: wait for exactly that.
      await new Promise((r) => setTimeout(r, expiresAt - Date.now() + 10));
      expect(cachedSignal(job)).toBeUndefined();
      expect(await cause()).toBeNull();
    },
  );

  it('answers concurrent misses, which share queries, each with its own job (or 404)', async () => {
    const jobs = Array.from({ length: 30 }, () => randomUUID());
    for (const [n, job] of jobs.entries())
      await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'queued', 'unknown', ${`job ${n}`})`;
    const unknown = Array.from({ length: 5 }, () => randomUUID());
    const ids = [...jobs, ...unknown, ...jobs.slice(0, 5)].sort(() => Math.random() - 0.5);
    const answers = await Promise.all(ids.map(async (id) => ({ id, summary: await summaryOf(id) })));
    for (const { id, summary } of answers)
      expect(summary).toBe(jobs.includes(id) ? `job ${jobs.indexOf(id)}` : 404);
  });

  it.skipIf(onCitus)(
    'reads misses on its own two connections, with a plan made once per connection and never re-planned',
    async () => {
      const jobs = Array.from({ length: 40 }, () => randomUUID());
      for (const job of jobs)
        await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'failed', 'analyze', 'Failed', null, null, null, ${sql.json({ error_code: 'E_LOOKUP_PLAN' })})`;
      for (let round = 0; round < 3; round++) {
        invalidateLocally({ jobs });
        const answers = await Promise.all(jobs.map((id) => summaryOf(id)));
        expect(answers).toEqual(jobs.map(() => 'Failed'));
      }
      // Two statements at once take both connections; each reports its own prepared statements.
      const plans = () => lookupSql<{ generic: number; custom: number; mode: string }[]>`
      select coalesce(sum(generic_plans), 0)::int as generic, coalesce(sum(custom_plans), 0)::int as custom, current_setting('plan_cache_mode') as mode
      from pg_prepared_statements where statement like '%first_signal_snapshots where job_id = any%'`;
      const seen = (await Promise.all([plans(), plans()])).map(([row]) => row!);
      expect(seen.map((r) => r.mode)).toEqual(['force_generic_plan', 'force_generic_plan']);
      expect(seen.reduce((n, r) => n + r.generic, 0)).toBeGreaterThan(1);
      expect(seen.reduce((n, r) => n + r.custom, 0)).toBe(0);
      const [connections] = await sql<
        { open: number }[]
      >`select count(*)::int as open from pg_stat_activity where application_name = ${APPLICATION_NAMES.lookup}`;
      expect(connections!.open).toBeGreaterThanOrEqual(1);
      expect(connections!.open).toBeLessThanOrEqual(LOOKUP_CONNECTIONS);
      // The metrics count them with the pool (less the connection that runs the count).
      const [both] = await sql<
        { open: number }[]
      >`select count(*)::int as open from pg_stat_activity where application_name in (${APPLICATION_NAMES.pool}, ${APPLICATION_NAMES.lookup})`;
      const gauges = await metricsText();
      const counted = [...gauges.matchAll(/^ttfs_db_connections\{state="[^"]+"\} (\d+)$/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
      expect(counted).toBe(both!.open - 1);
      expect(gauges).toMatch(new RegExp(`^ttfs_db_pool_max ${POOL_SIZE + LOOKUP_CONNECTIONS}$`, 'm'));
    },
  );

  it('drops a value read before an invalidation arrived instead of storing it', () => {
    const job = randomUUID();
    const ticket = cacheTicket();
    invalidateLocally({ jobs: [randomUUID()] });
    storeSignal(job, ticket, {
      tenantId: tenant,
      etag: 'W/"x"',
      body: '{}',
      source: 'snapshot',
      failed: false,
    });
    expect(cachedSignal(job)).toBeUndefined();
    storeSignal(job, cacheTicket(), {
      tenantId: tenant,
      etag: 'W/"x"',
      body: '{}',
      source: 'snapshot',
      failed: false,
    });
    expect(cachedSignal(job)).toBeDefined();
    invalidateLocally({ jobs: [job] });
  });

  it('is bypassed while the listener is down, and starts empty when it is back', async () => {
    const job = await cachedJob('listener');
    listenerDown();
    expect(cacheStats().ready).toBe(false);
    expect(cachedSignal(job)).toBeUndefined();
    expect(await summaryOf(job)).toBe('listener');
    expect(cachedSignal(job)).toBeUndefined();
    listenerUp();
    expect(cacheStats()).toMatchObject({ ready: true, signals: 0, tokens: 0 });
  });
});

describe('token cache', () => {
  it.skipIf(onCitus)(
    'stops accepting a token revoked by another instance (plain SQL here) once the message arrives',
    async () => {
      const token = await testToken(sql, { tenantId: tenant, scopes: ['signals:read'] });
      const me = () =>
        getMe(new Request('http://console.test/api/auth/me', { headers: token.headers })).then(
          (r) => r.status,
        );
      expect(await eventually(me, 200)).toBe(200);
      const hash = createHash('sha256').update(token.token).digest('hex');
      expect(await eventually(async () => (await me(), cachedToken(hash) !== undefined), true)).toBe(true);
      await sql`update console.api_tokens set revoked_at = now() where id = ${token.id}`;
      expect(await eventually(me, 401)).toBe(401);
    },
  );
});

describe('invalidation messages (db/functions/50_cache.sql)', () => {
  it.skipIf(onCitus)(
    'names changed snapshots, says "all" for large statements, and ignores last_used_at',
    async () => {
      const messages: string[] = [];
      await listener.listen('ttfs_cache_invalidate', (payload) => messages.push(payload));
      const jobs = Array.from({ length: 3 }, () => randomUUID());
      for (const job of jobs)
        await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${tenant}, null, 'queued', 'unknown', 'x')`;
      await sql`update scheduler.first_signal_snapshots set summary = 'y' where job_id = any(${jobs}::uuid[])`;
      const many = Array.from({ length: 101 }, () => randomUUID());
      await sql`insert into scheduler.first_signal_snapshots (job_id, tenant_id, kind, phase, summary) select unnest(${many}::uuid[]), ${tenant}, 'queued', 'unknown', 'bulk'`;
      await sql`delete from scheduler.first_signal_snapshots where job_id = any(${many}::uuid[])`;
      const token = await testToken(sql, { tenantId: tenant, scopes: ['signals:read'] });
      await sql`update console.api_tokens set last_used_at = now() where id = ${token.id}`;
      await sql`update console.api_tokens set revoked_at = now() where id = ${token.id}`;
      await sql`update scheduler.failure_signatures set confidence = confidence where tenant_id = ${tenant}`;
      // A last message of its own: NOTIFYs arrive in commit order, so once it is
      // here every message the statements above sent is here too.
      const end = JSON.stringify({ end: randomUUID() });
      await sql`select pg_notify('ttfs_cache_invalidate', ${end})`;
      await eventually(async () => messages.at(-1), end);
      // Inserts of new snapshots without a run need no message: nothing can be cached for them.
      expect(messages.slice(0, -1).map((m) => JSON.parse(m))).toEqual([
        { jobs: expect.arrayContaining(jobs) },
        { jobs: 'all' },
        { tokens: 'all' },
        { failed: 'all' },
      ]);
      expect((JSON.parse(messages[0]!) as { jobs: string[] }).jobs).toHaveLength(3);
    },
  );

  it('name the run of a new job, from the upsert on either engine and from a plain insert on one server', async () => {
    const messages: string[] = [];
    const listening = await listener.listen('ttfs_cache_invalidate', (payload) => messages.push(payload));
    try {
      const run = randomUUID();
      await sql`insert into scheduler.runs (id, tenant_id) values (${run}, ${tenant})`;
      await sql`select scheduler.upsert_first_signal_snapshot(${randomUUID()}, ${tenant}, ${run}, 'queued', 'unknown', 'x')`;
      const namesRun = () =>
        messages.filter((m) => (JSON.parse(m) as { runs?: string[] }).runs?.includes(run));
      expect(await eventually(async () => namesRun().length, 1)).toBe(1);
      if (onCitus) return;
      const before = namesRun().length;
      await sql`insert into scheduler.first_signal_snapshots (job_id, tenant_id, run_id, kind, phase, summary)
        values (${randomUUID()}, ${tenant}, ${run}, 'queued', 'unknown', 'plain')`;
      expect(await eventually(async () => namesRun().length, before + 1)).toBe(before + 1);
    } finally {
      await listening.unlisten();
    }
  });
});
