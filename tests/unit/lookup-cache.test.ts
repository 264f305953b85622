// The job signal cache's bounds and drops, through its public functions. The
// invalidation paths against a real database are in
// tests/integration/lookup-cache.test.ts.
import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

type Cache = typeof import('@/lib/cache/lookup-cache');
let cache: Cache;

beforeAll(async () => {
  // Read when the module loads.
  vi.stubEnv('TTFS_LOOKUP_CACHE_SIZE', '3');
  vi.stubEnv('TTFS_LOOKUP_CACHE_TTL_S', '300');
  cache = await import('@/lib/cache/lookup-cache');
});

beforeEach(() => cache.listenerUp());

const entry = (tag: string, failed = false) => ({
  tenantId: 't',
  etag: `W/"${tag}"`,
  body: `{"summary":"${tag}"}`,
  source: 'snapshot',
  failed,
});

function store(id: string, tag: string, failed = false, validUntil?: number) {
  cache.storeSignal(id, cache.cacheTicket(), entry(tag, failed), validUntil);
}

describe('lookup cache: job signals', () => {
  it('holds at most its size, evicting the oldest write; a rewrite counts as new', () => {
    const [a, b, c, d] = Array.from({ length: 4 }, () => randomUUID());
    store(a!, 'a');
    store(b!, 'b');
    store(c!, 'c');
    store(a!, 'a2');
    store(d!, 'd');
    expect(cache.cacheStats().signals).toBe(3);
    expect(cache.cachedSignal(b!)).toBeUndefined();
    expect(cache.cachedSignal(a!)?.body).toBe('{"summary":"a2"}');
    expect(cache.cachedSignal(c!)?.etag).toBe('W/"c"');
    expect(cache.cachedSignal(d!)).toMatchObject({ tenantId: 't', source: 'snapshot', failed: false });
  });

  it('never serves an entry past its expiry', () => {
    const id = randomUUID();
    store(id, 'x', true, Date.now() - 1);
    expect(cache.cachedSignal(id)).toBeUndefined();
    expect(cache.cacheStats().signals).toBe(0);
  });

  it('drops failed jobs only on a signature change, everything on "all"', () => {
    const [ok, failed] = [randomUUID(), randomUUID()];
    store(ok, 'ok');
    store(failed, 'failed', true);
    cache.applyInvalidation('{"failed":"all"}');
    expect(cache.cachedSignal(failed)).toBeUndefined();
    expect(cache.cachedSignal(ok)?.body).toBe('{"summary":"ok"}');
    cache.applyInvalidation('{"jobs":"all"}');
    expect(cache.cachedSignal(ok)).toBeUndefined();
  });

  it('does not store a read that an invalidation overtook', () => {
    const id = randomUUID();
    const ticket = cache.cacheTicket();
    cache.applyInvalidation(JSON.stringify({ jobs: [id] }));
    cache.storeSignal(id, ticket, entry('stale'));
    expect(cache.cachedSignal(id)).toBeUndefined();
  });

  it('is bypassed while the listener is down', () => {
    const id = randomUUID();
    store(id, 'x');
    cache.listenerDown();
    expect(cache.cachedSignal(id)).toBeUndefined();
    store(id, 'y');
    cache.listenerUp();
    expect(cache.cachedSignal(id)).toBeUndefined();
  });
});
