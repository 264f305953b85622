// Per-process caches for the two lookups every machine request makes: who a
// bearer token is, and a job's rendered signal. A hit costs no database round
// trip. Correctness rests on invalidation, not on expiry:
//   * the caches are used only while the process's LISTEN connection (the SSE
//     hub's, lib/signals/hub.ts) is up; when it drops they are emptied and
//     bypassed, and emptied again when it is back (messages may have been missed);
//   * triggers (db/functions/50_cache.sql) NOTIFY `ttfs_cache_invalidate` on every
//     change of a snapshot or token, whatever wrote it; the hub hands the
//     messages to `applyInvalidation`;
//   * a lookup that read the database fills the cache only if no invalidation
//     arrived (and the listener did not reconnect) while it was reading, so a
//     read that raced a change can never store the old value;
//   * this process's own writes drop their entries at once (read-your-writes);
//     other writers' changes arrive within the NOTIFY delivery time;
//   * a failed job's prediction is matched at read time against the failure
//     signatures: any signature change drops every cached failed job, and an
//     entry never outlives the expiry of the signature it matched.
// Entries still expire (TTFS_LOOKUP_CACHE_TTL_S, default 300 s) as a backstop,
// and each cache holds at most TTFS_LOOKUP_CACHE_SIZE entries (default 100,000),
// evicting the oldest write. A cache is a plain Map, replaced rather than
// cleared (see `pending` in lib/signals/lookup.ts for why).
// State lives on globalThis: Next.js bundles and the machine lane load this
// module separately and must share one cache and one listener.

/** A job's rendered signal, as the lookup answers it. */
export interface CachedSignal {
  tenantId: string;
  etag: string;
  /** The JSON text. */
  body: string;
  source: string;
  /** A failed job, whose prediction depends on the failure signatures too. */
  failed: boolean;
  /** Epoch ms after which the entry must not be served. */
  expiresAt: number;
}

export interface CachedToken<V> {
  viewer: V;
  storedAt: number;
  /** When last_used_at was last written for this token (ms). */
  usedWrittenAt: number;
}

interface State {
  /** Invalidations are being received. */
  ready: boolean;
  /** Bumped by every invalidation and by every listener connect or loss. */
  generation: number;
  signals: Map<string, CachedSignal>;
  tokens: Map<string, CachedToken<unknown>>;
  hits: number;
  misses: number;
}

// Read once: process.env is a slow accessor, and these are read on every lookup.
const TTL_MS = Number(process.env.TTFS_LOOKUP_CACHE_TTL_S ?? 300) * 1000;
const CAPACITY = Number(process.env.TTFS_LOOKUP_CACHE_SIZE ?? 100_000);
const ENABLED = process.env.TTFS_LOOKUP_CACHE !== '0';

const globalForCache = globalThis as unknown as { ttfsLookupCache?: State };
const state: State = (globalForCache.ttfsLookupCache ??= {
  ready: false,
  generation: 0,
  signals: new Map(),
  tokens: new Map(),
  hits: 0,
  misses: 0,
});

export function cacheUsable(): boolean {
  return state.ready && ENABLED;
}

/** Taken before a database read; pass it to the matching `store*` after. */
export function cacheTicket(): number {
  return state.generation;
}

function fresh(storedAt: number) {
  return Date.now() - storedAt < TTL_MS;
}

function put<T>(map: Map<string, T>, key: string, value: T) {
  map.delete(key);
  map.set(key, value);
  // Maps iterate in insertion order: the first key is the oldest entry.
  if (map.size > CAPACITY) map.delete(map.keys().next().value!);
}

export function cachedSignal(jobId: string): CachedSignal | undefined {
  if (!cacheUsable()) return undefined;
  const entry = state.signals.get(jobId);
  if (entry && Date.now() < entry.expiresAt) {
    state.hits++;
    return entry;
  }
  if (entry) state.signals.delete(jobId);
  state.misses++;
  return undefined;
}

/** `validUntil` (epoch ms) shortens the entry's life, e.g. to when the matched signature expires. */
export function storeSignal(
  jobId: string,
  ticket: number,
  entry: Omit<CachedSignal, 'expiresAt'>,
  validUntil = Infinity,
) {
  if (!cacheUsable() || ticket !== state.generation) return;
  put(state.signals, jobId, { ...entry, expiresAt: Math.min(Date.now() + TTL_MS, validUntil) });
}

export function cachedToken<V>(hash: string): CachedToken<V> | undefined {
  if (!cacheUsable()) return undefined;
  const entry = state.tokens.get(hash) as CachedToken<V> | undefined;
  if (entry && fresh(entry.storedAt)) return entry;
  if (entry) state.tokens.delete(hash);
  return undefined;
}

export function storeToken<V>(hash: string, ticket: number, viewer: V) {
  if (!cacheUsable() || ticket !== state.generation) return;
  const now = Date.now();
  put(state.tokens, hash, { viewer, storedAt: now, usedWrittenAt: now });
}

/** Drops entries after a change made by this process (e.g. a PUT or a token revocation). */
export function invalidateLocally(change: { jobs?: string[] | 'all'; failed?: 'all'; tokens?: 'all' }) {
  state.generation++;
  if (change.jobs === 'all') state.signals = new Map();
  else for (const id of change.jobs ?? []) state.signals.delete(id);
  if (change.failed) for (const [id, entry] of state.signals) if (entry.failed) state.signals.delete(id);
  if (change.tokens) state.tokens = new Map();
}

/** A `ttfs_cache_invalidate` message; anything unreadable empties both caches. */
export function applyInvalidation(payload: string) {
  let message: { jobs?: unknown; failed?: unknown; tokens?: unknown };
  try {
    message = JSON.parse(payload) as typeof message;
  } catch {
    message = { jobs: 'all', tokens: 'all' };
  }
  const jobs =
    message.jobs === 'all' ? 'all' : Array.isArray(message.jobs) ? message.jobs.map(String) : undefined;
  invalidateLocally({
    jobs,
    failed: message.failed === undefined ? undefined : 'all',
    tokens: message.tokens === undefined ? undefined : 'all',
  });
}

/** The listener is (again) listening: start from empty, messages may have been missed. */
export function listenerUp() {
  state.signals = new Map();
  state.tokens = new Map();
  state.generation++;
  state.ready = true;
}

/** The listener connection is gone: stop using the caches until it is back. */
export function listenerDown() {
  state.ready = false;
  state.generation++;
  state.signals = new Map();
  state.tokens = new Map();
}

export function cacheStats() {
  return {
    ready: state.ready,
    signals: state.signals.size,
    tokens: state.tokens.size,
    hits: state.hits,
    misses: state.misses,
  };
}
