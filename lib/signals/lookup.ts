import { z } from 'zod';
import { canSeeTenant, type Viewer } from '@/lib/auth/roles';
import { cachedSignal, cacheTicket, storeSignal } from '@/lib/cache/lookup-cache';
import { LOOKUP_CONNECTIONS } from '@/lib/db';
import { ApiError } from '@/lib/errors';
import type { Reply } from '@/lib/http/reply';
import { coldStartSnapshot, getSnapshots } from '@/lib/queries/signals';
import type { SnapshotRow } from './map';
import { ensureHubListening } from './hub';
import { renderedReply, renderSignal, uuidParam } from './respond';

const params = z.object({ jobId: uuidParam });

// Lookups that miss the cache share queries: a miss is sent at once while
// fewer than MAX_IN_FLIGHT lookup queries run; beyond that, misses gather and
// go together (`job_id = any(...)`) as soon as a query returns. Low load pays
// one round trip; under load dozens of requests share one.
const MAX_IN_FLIGHT = LOOKUP_CONNECTIONS;
type Waiter = (row: SnapshotRow | null | Error) => void;
// A fresh Map per batch, never `clear()`: V8 links a cleared (or rehashed) Map's
// old table to its new one, and an old table that reached the old generation
// keeps the new one, and every waiting request it leads to, alive through the
// next scavenge; promoted in turn, it does the same to the one after.
let pending = new Map<string, Waiter[]>();
let inFlight = 0;
let scheduled = false;

function drain() {
  scheduled = false;
  if (inFlight >= MAX_IN_FLIGHT || pending.size === 0) return;
  const batch = pending;
  pending = new Map();
  inFlight++;
  getSnapshots([...batch.keys()])
    .then(
      (rows) => {
        const byId = new Map(rows.map((r) => [r.job_id, r]));
        for (const [id, waiters] of batch) for (const w of waiters) w(byId.get(id) ?? null);
      },
      (error: Error) => {
        for (const waiters of batch.values()) for (const w of waiters) w(error);
      },
    )
    .finally(() => {
      inFlight--;
      drain();
    });
}

function loadSnapshot(jobId: string): Promise<SnapshotRow | null> {
  return new Promise((resolve, reject) => {
    const waiters = pending.get(jobId) ?? [];
    waiters.push((result) => (result instanceof Error ? reject(result) : resolve(result)));
    pending.set(jobId, waiters);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(drain);
    }
  });
}

/** One spelling per job for the batch and the cache (PostgreSQL prints UUIDs in lower case). */
function jobIdParam(jobId: string): string {
  return params.parse({ jobId }).jobId.toLowerCase();
}

function cachedReply(viewer: Viewer, id: string, ifNoneMatch: string | null): Reply | undefined {
  const cached = cachedSignal(id);
  if (!cached) return undefined;
  if (!canSeeTenant(viewer, cached.tenantId)) throw ApiError.notFound('job');
  return renderedReply(cached, ifNoneMatch);
}

/**
 * GET /api/v1/jobs/{jobId}/signal for an authorized viewer, whichever transport
 * carried it: the snapshot, else the job's last state from telemetry (cold
 * start), else 404. Another tenant's job answers exactly like a missing one.
 * Rendered snapshots are cached (lib/cache/lookup-cache.ts); a failed job's
 * entry is dropped when any failure signature changes, and never outlives the
 * expiry of the signature it matched, so its prediction is the one of now.
 * A cached signal is returned at once (not as a promise), so the machine lane
 * can answer a repeated lookup in the same tick; anything else is a promise.
 */
export function jobSignalReply(
  viewer: Viewer,
  jobId: string,
  ifNoneMatch: string | null,
): Reply | Promise<Reply> {
  const id = jobIdParam(jobId);
  return cachedReply(viewer, id, ifNoneMatch) ?? loadedReply(viewer, id, ifNoneMatch);
}

async function loadedReply(viewer: Viewer, id: string, ifNoneMatch: string | null): Promise<Reply> {
  ensureHubListening();
  const ticket = cacheTicket();
  const snapshot = await loadSnapshot(id);
  const row = snapshot ?? (await coldStartSnapshot(id, viewer.tenants));
  if (!row || !canSeeTenant(viewer, row.tenant_id)) throw ApiError.notFound('job');
  const rendered = renderSignal(row, snapshot !== null);
  // Cold-start answers come from telemetry, which sends no invalidations: not cached.
  if (snapshot) {
    const failed = snapshot.kind === 'failed';
    const matchExpires =
      failed && snapshot.live_match?.expires_at ? Date.parse(snapshot.live_match.expires_at) : Infinity;
    storeSignal(id, ticket, { ...rendered, failed }, matchExpires);
  }
  return renderedReply(rendered, ifNoneMatch);
}
