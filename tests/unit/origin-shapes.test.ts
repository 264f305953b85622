import { describe, expect, it } from 'vitest';
import { KIND_CODES, PHASE_CODES } from '@/lib/schemas/origin';
import { canonicalJson, originEtag, toOriginFirstSignal } from '@/lib/signals/origin';
import type { Signal } from '@/lib/schemas/signal';

const signal = (overrides: Partial<Signal> = {}): Signal => ({
  jobId: '6f1c3a2e-1b2c-4d5e-8f90-0123456789ab',
  tenantId: '11111111-1111-4111-8111-111111111111',
  runId: '7a1c3a2e-1b2c-4d5e-8f90-0123456789ab',
  kind: 'started',
  phase: 'unknown',
  summary: 'Run started',
  etaSeconds: null,
  lastKnownOutcome: null,
  nextActions: [],
  diagnostics: {},
  updatedAt: '2026-12-07T10:00:00.000Z',
  ...overrides,
});

describe("the platform's shapes", () => {
  it('numbers kinds and phases by their position in the schema lists', () => {
    expect(KIND_CODES).toEqual({
      queued: 0,
      started: 1,
      phase: 2,
      blocked: 3,
      failed: 4,
      succeeded: 5,
      canceled: 6,
      unavailable: 7,
    });
    expect(PHASE_CODES).toEqual({
      resolve: 0,
      fetch: 1,
      restore: 2,
      analyze: 3,
      policy: 4,
      report: 5,
      unknown: 6,
    });
  });

  it('hashes canonical JSON: key order does not matter, content does', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(originEtag({ a: 1, b: 2 })).toBe(originEtag({ b: 2, a: 1 }));
    expect(originEtag({ a: 1, b: 2 })).not.toBe(originEtag({ a: 1, b: 3 }));
    expect(originEtag({ a: 1 })).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
  });

  it('keeps the ETag when only `at` changes, and changes it with the content', () => {
    const run = signal().runId!;
    const first = toOriginFirstSignal(run, signal());
    const later = toOriginFirstSignal(run, signal({ updatedAt: '2026-12-07T10:05:00.000Z' }));
    expect(later.firstSignal.at).not.toBe(first.firstSignal.at);
    expect(later.summaryEtag).toBe(first.summaryEtag);
    expect(toOriginFirstSignal(run, signal({ summary: 'Fetching' })).summaryEtag).not.toBe(first.summaryEtag);
    expect(toOriginFirstSignal(run, signal({ diagnostics: { step: 'pull' } })).firstSignal.step).toBe('pull');
    expect(toOriginFirstSignal(run, signal({ diagnostics: { step: 42 } })).firstSignal.step).toBeNull();
  });
});
