import 'server-only';
import net from 'node:net';
import postgres from 'postgres';
import { applyInvalidation, listenerDown, listenerUp } from '@/lib/cache/lookup-cache';
import { getSnapshots, validCredentials } from '@/lib/queries/signals';
import type { Signal } from '@/lib/schemas/signal';
import { toSignal, type SnapshotRow } from './map';

export const CHANNEL = 'ttfs_signal_update';
/** Invalidation messages for lib/cache/lookup-cache.ts (db/functions/50_cache.sql). */
export const CACHE_CHANNEL = 'ttfs_cache_invalidate';

export interface Subscriber {
  jobId?: string;
  runId?: string;
  /** The tenant of `runId` (scheduler.runs): only its jobs are the run's members. */
  runTenant?: string;
  /** Tenant-wide feed: every change of these tenants. */
  tenants?: readonly string[] | 'all';
  /**
   * The tenants the subscriber may see. Checked against each signal when it is
   * delivered, not only when the stream opened: a job id or run nobody had
   * written yet may later be written by another tenant.
   */
  allowed: readonly string[] | 'all';
  /** The session or token the stream was opened with; the stream ends when it is signed out or revoked. */
  credential?: Credential;
  onSignal(signal: Signal): void;
  /** The listener (re)connected: notifications may have been missed, re-read. */
  onResync(): void;
  /** The credential is no longer valid: end the stream. */
  onRevoked?(): void;
}

/** A session (SHA-256 of the cookie) or an API token (SHA-256 of the token), as stored. */
export interface Credential {
  kind: 'session' | 'token';
  hash: string;
}

interface Notification {
  job_id: string;
  tenant_id: string;
}

interface Hub {
  listener: postgres.Sql | null;
  listening: boolean;
  subscribers: Set<Subscriber>;
  pending: Map<string, Notification>;
  flushScheduled: boolean;
  start: Promise<void> | null;
  /** Stream closers; on the shared hub because instrumentation and routes are separate bundles. */
  closeHooks: Set<() => void>;
  recheck?: ReturnType<typeof setTimeout> | null;
}

// One hub per process (kept on globalThis across dev reloads): one LISTEN
// connection, fanned out in memory to every open stream.
const globalForHub = globalThis as unknown as { ttfsSignalHub?: Hub };
const hub: Hub = (globalForHub.ttfsSignalHub ??= {
  listener: null,
  listening: false,
  subscribers: new Set(),
  pending: new Map(),
  flushScheduled: false,
  start: null,
  closeHooks: new Set(),
});

/**
 * The listener's socket, watched: when it closes, the lookup caches stop being
 * used at once (notifications sent until the LISTEN is back would be missed).
 * postgres.js re-listens on its own and calls each channel's onlisten again.
 */
function watchedSocket(options: { host: string[]; port: number[]; path?: string }): net.Socket {
  // Returned before it connects: postgres.js writes once it is open and treats
  // a failed connect like its own (error, close, retry).
  const socket = options.path ? net.connect(options.path) : net.connect(options.port[0]!, options.host[0]!);
  socket.once('close', () => listenerDown());
  return socket;
}

function ensureListening(): Promise<void> {
  if (hub.start) return hub.start;
  hub.listener = postgres(process.env.DATABASE_URL ?? '', {
    max: 1,
    onnotice: () => {},
    connection: { application_name: 'ttfs-console-listener' },
    socket: watchedSocket,
  } as postgres.Options<Record<string, never>>);
  hub.start = Promise.all([
    hub.listener.listen(
      CHANNEL,
      (payload) => enqueue(payload),
      // Runs on the first LISTEN and after every reconnect (e.g. a database
      // restart): anything NOTIFYed in between is lost, so clients re-read.
      () => {
        const reconnect = hub.listening;
        hub.listening = true;
        if (reconnect) for (const s of hub.subscribers) s.onResync();
      },
    ),
    // Invalidations for the lookup caches, on the same connection.
    hub.listener.listen(CACHE_CHANNEL, applyInvalidation, listenerUp),
  ])
    .then(() => undefined)
    .catch((error) => {
      hub.start = null;
      listenerDown();
      hub.listener?.end({ timeout: 1 }).catch(() => {});
      hub.listener = null;
      throw error;
    });
  return hub.start;
}

/** Starts the listener if nothing has yet (the lookup caches need it); never throws. */
export function ensureHubListening(): void {
  if (!hub.start) ensureListening().catch(() => {});
}

function enqueue(payload: string) {
  let note: Notification;
  try {
    note = JSON.parse(payload) as Notification;
  } catch {
    return;
  }
  if (!interested(note)) return;
  hub.pending.set(note.job_id, note);
  if (hub.flushScheduled) return;
  hub.flushScheduled = true;
  // Coalesce a burst of notifications into one query.
  setImmediate(() => void flush());
}

function allowed(s: Subscriber, tenantId: string) {
  return s.allowed === 'all' || s.allowed.includes(tenantId);
}

/**
 * Whether a change of this job may go to this subscriber, as far as the
 * notification tells: what it asked for, and only of a tenant it may see. Run
 * membership is known only after reading the row (`delivers`).
 */
function wants(s: Subscriber, jobId: string, tenantId: string) {
  if (!allowed(s, tenantId)) return false;
  if (s.runId) return (s.runTenant ?? tenantId) === tenantId;
  if (s.jobId) return s.jobId === jobId;
  if (s.tenants) return s.tenants === 'all' || s.tenants.includes(tenantId);
  return false;
}

/** Whether this row goes to this subscriber: what it asked for, and only of a tenant it may see. */
export function delivers(s: Subscriber, row: Pick<SnapshotRow, 'job_id' | 'tenant_id' | 'run_id'>): boolean {
  return wants(s, row.job_id, row.tenant_id) && (!s.runId || s.runId === row.run_id);
}

/** Whether any subscriber may get this change: the others' rows are never read. */
function interested(note: Notification) {
  for (const s of hub.subscribers) if (wants(s, note.job_id, note.tenant_id)) return true;
  return false;
}

async function flush() {
  hub.flushScheduled = false;
  const batch = [...hub.pending.values()];
  hub.pending = new Map(); // not clear(): see `pending` in ./lookup.ts
  let rows: SnapshotRow[];
  try {
    rows = await getSnapshots(batch.map((n) => n.job_id));
  } catch {
    for (const s of hub.subscribers) s.onResync();
    return;
  }
  for (const row of rows) {
    const signal = toSignal(row);
    for (const s of hub.subscribers) {
      if (delivers(s, row)) s.onSignal(signal);
    }
  }
}

export async function subscribe(subscriber: Subscriber): Promise<() => void> {
  await ensureListening();
  hub.subscribers.add(subscriber);
  scheduleRecheck();
  return () => hub.subscribers.delete(subscriber);
}

/** How often open streams' sessions and tokens are checked again (TTFS_STREAM_RECHECK_MS, default 2 s). */
export const RECHECK_MS = Number(process.env.TTFS_STREAM_RECHECK_MS ?? 2000);

/**
 * Ends this process's streams opened with the given credential at once (sign-out
 * or revocation answered here); other instances find out at their next recheck.
 */
export function endStreamsOf(credential: Credential) {
  for (const s of [...hub.subscribers])
    if (s.credential?.kind === credential.kind && s.credential.hash === credential.hash) s.onRevoked?.();
}

// One query per RECHECK_MS for all open streams of the process, whatever their
// number: which of their sessions and tokens are still valid.
function scheduleRecheck() {
  if (hub.recheck || !(RECHECK_MS > 0)) return;
  hub.recheck = setTimeout(() => {
    hub.recheck = null;
    void recheck().finally(() => {
      if (hub.subscribers.size > 0) scheduleRecheck();
    });
  }, RECHECK_MS);
  hub.recheck.unref?.();
}

async function recheck() {
  const sessions = new Set<string>();
  const tokens = new Set<string>();
  for (const s of hub.subscribers) {
    if (s.credential?.kind === 'session') sessions.add(s.credential.hash);
    else if (s.credential?.kind === 'token') tokens.add(s.credential.hash);
  }
  if (sessions.size === 0 && tokens.size === 0) return;
  let valid: Set<string>;
  try {
    valid = await validCredentials([...sessions], [...tokens]);
  } catch {
    return; // database unreachable: the streams resync on their own; check again next time
  }
  for (const s of [...hub.subscribers]) if (s.credential && !valid.has(s.credential.hash)) s.onRevoked?.();
}

export function hubStats() {
  return { openStreams: hub.subscribers.size, listenConnections: hub.listener && hub.listening ? 1 : 0 };
}

/** Ends every stream (e.g. on shutdown); clients reconnect elsewhere after `retry`. */
export function closeAllStreams() {
  const closers = [...hub.closeHooks];
  hub.closeHooks.clear();
  for (const close of closers) close();
}

export function onCloseAll(close: () => void) {
  hub.closeHooks.add(close);
  return () => hub.closeHooks.delete(close);
}

export async function stopHub() {
  closeAllStreams();
  const listener = hub.listener;
  hub.listener = null;
  hub.start = null;
  hub.listening = false;
  listenerDown();
  await listener?.end({ timeout: 2 });
}
