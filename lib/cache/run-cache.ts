// Per-process cache of runs' first signals in the platform's shape
// (GET …/runs/{runId}/first-signal), keyed by tenant and run. A run's answer
// depends on every job of the run, so an entry is valid only while nothing at
// all was invalidated since it was read: it carries the lookup caches'
// generation (./lookup-cache.ts), which every snapshot change, insert
// (db/functions/50_cache.sql, 40_signals.sql), signature change and listener loss bumps. Hits are the
// repeated polls of a run between changes (CI plugins, dashboards). Used only
// while the lookup caches are (LISTEN connection up); entries live at most 60 s,
// the answer's own max-age, and never past a matched signature's expiry.
import { LRUCache } from 'lru-cache';
import type { RenderedOrigin } from '@/lib/signals/origin';
import { cacheTicket, cacheUsable } from './lookup-cache';

const TTL_MS = 60_000;
const CAPACITY = 10_000;

interface Entry {
  rendered: RenderedOrigin;
  generation: number;
}

const globalForCache = globalThis as unknown as { ttfsRunCache?: LRUCache<string, Entry> };
const entries = (globalForCache.ttfsRunCache ??= new LRUCache<string, Entry>({ max: CAPACITY, ttl: TTL_MS }));

const key = (tenantId: string, runId: string) => `${tenantId}/${runId}`;

export function cachedRunSignal(tenantId: string, runId: string): RenderedOrigin | undefined {
  if (!cacheUsable()) return undefined;
  const entry = entries.get(key(tenantId, runId));
  if (!entry) return undefined;
  if (entry.generation !== cacheTicket() || entry.rendered.validUntil <= Date.now()) {
    entries.delete(key(tenantId, runId));
    return undefined;
  }
  return entry.rendered;
}

/** `ticket`: cacheTicket() taken before the database read. */
export function storeRunSignal(tenantId: string, runId: string, ticket: number, rendered: RenderedOrigin) {
  if (!cacheUsable() || ticket !== cacheTicket()) return;
  const ttl = Math.min(TTL_MS, rendered.validUntil - Date.now());
  if (ttl <= 0) return;
  entries.set(key(tenantId, runId), { rendered, generation: ticket }, { ttl });
}
