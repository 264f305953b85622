import { hash } from 'node:crypto';
import {
  KIND_CODES,
  PHASE_CODES,
  type OriginFirstSignal,
  type OriginStreamEvent,
} from '@/lib/schemas/origin';
import type { Reply } from '@/lib/http/reply';
import type { Signal } from '@/lib/schemas/signal';
import { etagMatches, signalSource, toSignal, type SnapshotRow } from './map';

// The scanning platform's shapes of a run's first signal (docs/compat.md),
// built from the same snapshot row as the console's own signal.

/** A run's first signal ready to send (what the run cache keeps). */
export interface RenderedOrigin {
  etag: string;
  body: string;
  /** `X-FirstSignal-Source`: the contract's two values. */
  source: 'snapshot' | 'cold_start';
  /** Epoch ms after which the answer must be read again (a matched failure signature's expiry). */
  validUntil: number;
}

/** JSON with every object's keys sorted: one text per content, whatever built the object. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Weak ETag: a hash of the canonical JSON of the signal's stable content. `at`
 * (when the snapshot was last written) and per-request diagnostics (cache hit
 * or miss, source) are left out: a rewrite with the same content keeps it.
 */
export function originEtag(stable: unknown): string {
  return `W/"${hash('sha256', canonicalJson(stable), 'buffer').toString('base64url', 0, 20)}"`;
}

function step(signal: Signal): string | null {
  const value = signal.diagnostics?.step;
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function toOriginFirstSignal(runId: string, signal: Signal): OriginFirstSignal {
  const firstSignal = {
    type: signal.kind,
    stage: signal.phase,
    step: step(signal),
    message: signal.summary,
    at: signal.updatedAt,
    artifact: { kind: 'run' as const, range: null },
  };
  const { at: _at, ...stable } = firstSignal;
  return { runId, firstSignal, summaryEtag: originEtag({ runId, firstSignal: stable }) };
}

export function renderOrigin(runId: string, row: SnapshotRow, fromSnapshot: boolean): RenderedOrigin {
  const signal = toSignal(row);
  const body = toOriginFirstSignal(runId, signal);
  const expires =
    row.kind === 'failed' && row.live_match?.expires_at ? Date.parse(row.live_match.expires_at) : NaN;
  return {
    etag: body.summaryEtag,
    body: JSON.stringify(body),
    source: signalSource(signal, fromSnapshot) === 'cold_start' ? 'cold_start' : 'snapshot',
    validUntil: Number.isFinite(expires) ? expires : Infinity,
  };
}

const ORIGIN_CACHE_CONTROL = 'private, max-age=60';
const VARY = 'Authorization, Cookie, X-Tenant-Id';

/** 200 with the body, or 304 when one of the client's ETags (If-None-Match) is current. */
export function originReply(
  rendered: RenderedOrigin,
  ifNoneMatch: string | null,
  cache: 'hit' | 'miss',
): Reply {
  const headers = {
    ETag: rendered.etag,
    'Cache-Control': ORIGIN_CACHE_CONTROL,
    'Cache-Status': cache,
    'X-FirstSignal-Source': rendered.source,
    Vary: VARY,
  };
  if (etagMatches(ifNoneMatch, rendered.etag)) return { status: 304, headers, body: null };
  return { status: 200, headers: { 'Content-Type': 'application/json', ...headers }, body: rendered.body };
}

/** 204: the run exists (for this tenant) but none of its jobs has a signal yet; never cached by clients. */
export function noSignalReply(): Reply {
  return {
    status: 204,
    headers: { 'Cache-Control': 'private, no-cache', 'Cache-Status': 'miss', Vary: VARY },
    body: null,
  };
}

/** The run stream's `first_signal` event for a snapshot of one of the run's jobs. */
export function toOriginStreamEvent(runId: string, signal: Signal): OriginStreamEvent {
  const etag = toOriginFirstSignal(runId, signal).summaryEtag;
  return {
    runId,
    etag,
    signal: {
      version: '1.0',
      signalId: `${signal.jobId}:${etag.slice(3, -1)}`,
      jobId: signal.jobId,
      timestamp: signal.updatedAt,
      kind: KIND_CODES[signal.kind],
      phase: PHASE_CODES[signal.phase],
      scope: { type: 'run', id: runId },
      summary: signal.summary,
      etaSeconds: signal.etaSeconds,
      lastKnownOutcome: signal.lastKnownOutcome,
      nextActions: signal.nextActions,
      diagnostics: {
        ...signal.diagnostics,
        ...(signal.prediction ? { prediction: signal.prediction } : {}),
        cacheHit: false,
        source: signalSource(signal, true),
      },
    },
  };
}
