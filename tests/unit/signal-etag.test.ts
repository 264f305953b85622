import { describe, expect, it } from 'vitest';
import { etagMatches, signalEtag, toSignal, type SnapshotRow } from '@/lib/signals/map';

const row = (overrides: Partial<SnapshotRow> = {}): SnapshotRow => ({
  job_id: '6f1c2d3e-0000-4000-8000-000000000001',
  tenant_id: '6f1c2d3e-0000-4000-8000-0000000000aa',
  run_id: null,
  kind: 'phase',
  phase: 'fetch',
  summary: 'Fetching layers',
  eta_seconds: 40,
  last_known_outcome: null,
  next_actions: [{ label: 'View run', href: '/runs/0b3c8f0e-1c55-4d8e-9a55-3c1b2d3e4f50' }],
  diagnostics: { queue_position: 3 },
  payload_json: {},
  updated_at: new Date('2026-12-01T10:00:00Z'),
  ...overrides,
});

describe('signal ETag', () => {
  it('is a weak validator of 160 bits in 27 base64url characters', () => {
    expect(signalEtag(toSignal(row()))).toMatch(/^W\/"[A-Za-z0-9_-]{27}"$/);
  });

  it('stays the same when only updatedAt moves, and changes with any visible field', () => {
    const etag = signalEtag(toSignal(row()));
    expect(signalEtag(toSignal(row({ updated_at: new Date('2026-12-02T10:00:00Z') })))).toBe(etag);
    for (const change of [
      { summary: 'Fetched' },
      { eta_seconds: 39 },
      { phase: 'analyze' as const },
      { diagnostics: { queue_position: 2 } },
      { next_actions: [] },
    ]) {
      expect(signalEtag(toSignal(row(change)))).not.toBe(etag);
    }
  });

  it('matches If-None-Match verbatim, without its weak prefix, in a list, and as *', () => {
    const etag = signalEtag(toSignal(row()));
    expect(etagMatches(etag, etag)).toBe(true);
    expect(etagMatches(etag.slice(2), etag)).toBe(true);
    expect(etagMatches(`W/"other", ${etag}`, etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('W/"other"', etag)).toBe(false);
    expect(etagMatches(null, etag)).toBe(false);
  });
});
