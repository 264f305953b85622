import { hash } from 'node:crypto';
import { isSafeHref } from '@/lib/http/same-origin';
import { runbookHref } from '@/lib/runbooks';
import type { NextAction, Prediction, Signal, SignalSource } from '@/lib/schemas/signal';
import { actionableActions } from './actions';

/** A first_signal_snapshots row as the queries select it. */
export interface SnapshotRow {
  job_id: string;
  tenant_id: string;
  run_id: string | null;
  kind: Signal['kind'];
  phase: Signal['phase'];
  summary: string;
  eta_seconds: number | null;
  last_known_outcome: Record<string, unknown> | null;
  next_actions: NextAction[] | null;
  diagnostics: Record<string, unknown>;
  payload_json: Record<string, unknown>;
  updated_at: Date;
  /** The signature matching a failed job now; undefined when not looked up. */
  live_match?: {
    signature_id: string;
    outcome: Record<string, unknown>;
    confidence: number | string;
    expires_at?: string | null;
  } | null;
}

interface FailureMatch {
  signature_id?: string;
  likely_cause?: string;
  mttr_p50_seconds?: number | null;
  mttr_p95_seconds?: number | null;
  suggested_action?: string | null;
  remediation_url?: string | null;
  confidence?: number | string;
  matched_at?: string;
}

function prediction(row: SnapshotRow): Prediction | null {
  const recorded = row.payload_json?.failure_match as FailureMatch | undefined;
  const match: FailureMatch | undefined =
    row.live_match === undefined
      ? recorded
      : row.live_match === null
        ? undefined
        : {
            ...(row.live_match.outcome as FailureMatch),
            signature_id: row.live_match.signature_id,
            confidence: row.live_match.confidence,
            matched_at:
              recorded?.signature_id === row.live_match.signature_id
                ? recorded.matched_at
                : new Date().toISOString(),
          };
  if (!match?.signature_id || !match.likely_cause) return null;
  return {
    signatureId: match.signature_id,
    likelyCause: match.likely_cause,
    mttrP50Seconds: match.mttr_p50_seconds ?? null,
    mttrP95Seconds: match.mttr_p95_seconds ?? null,
    suggestedAction: match.suggested_action ?? null,
    remediationUrl:
      match.remediation_url && isSafeHref(match.remediation_url) ? runbookHref(match.remediation_url) : null,
    confidence: Number(match.confidence ?? 0),
    matchedAt: match.matched_at ?? '',
  };
}

/** Whether a failed snapshot was checked against the failure index and nothing matched. */
export function checkedWithoutMatch(row: SnapshotRow): boolean {
  if (row.kind !== 'failed') return false;
  if (row.live_match !== undefined) return row.live_match === null;
  return (row.payload_json?.failure_match as { matched?: boolean } | undefined)?.matched === false;
}

export function toSignal(row: SnapshotRow): Signal {
  const predicted = row.kind === 'failed' ? prediction(row) : null;
  const actions = actionableActions(row.next_actions ?? []);
  return {
    jobId: row.job_id,
    tenantId: row.tenant_id,
    runId: row.run_id,
    kind: row.kind,
    phase: row.phase,
    summary: row.summary,
    etaSeconds: row.eta_seconds,
    lastKnownOutcome: row.last_known_outcome,
    nextActions: predicted ? withPredictionActions(actions, predicted) : actions,
    diagnostics: row.diagnostics ?? {},
    updatedAt: row.updated_at.toISOString(),
    prediction: predicted,
  };
}

/** "Open runbook" from a matched signature, unless the scheduler already offers it (and when it leads somewhere). */
function withPredictionActions(actions: NextAction[], predicted: Prediction): NextAction[] {
  const has = (label: string) => actions.some((a) => a.label.toLowerCase() === label.toLowerCase());
  if (!predicted.remediationUrl || has('Open runbook')) return actions;
  return [...actions, ...actionableActions([{ label: 'Open runbook', href: predicted.remediationUrl }])];
}

export function signalSource(signal: Signal, fromSnapshot: boolean): SignalSource {
  if (!fromSnapshot) return 'cold_start';
  return signal.prediction ? 'failure_index' : 'snapshot';
}

/**
 * Weak ETag over the signal's visible content; `updatedAt` alone changing does
 * not change it. Plain JSON.stringify is canonical here: toSignal builds every
 * object with a fixed key order, and the objects it copies from the database
 * are jsonb, which PostgreSQL always prints with its keys in one order.
 */
export function signalEtag(signal: Signal): string {
  const { updatedAt: _updatedAt, ...stable } = signal;
  const digest = hash('sha256', JSON.stringify(stable), 'buffer');
  // 160 bits as 27 base64url characters, joined into one flat string: ETags are
  // kept in the lookup cache, and a template literal over a slice would keep
  // three string objects (and the whole digest text) per entry.
  return ['W/"', digest.toString('base64url', 0, 20), '"'].join('');
}

/** True when an If-None-Match header matches the ETag (weak comparison, lists and *). */
export function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header === etag) return true; // what clients send back, verbatim
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}

/** A row of the jobs list: the signal, when the job started, and the surfaces its signal was read on. */
export type JobListItem = Signal & { createdAt: string | null; surfaces: string[] };

export function toJobListItem(row: SnapshotRow & { created_at: Date; surfaces: string[] }): JobListItem {
  return { ...toSignal(row), createdAt: row.created_at.toISOString(), surfaces: row.surfaces };
}
