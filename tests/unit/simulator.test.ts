import { describe, expect, it } from 'vitest';
import { advance } from '../../db/demo/simulator';

const job = (kind: string, phase: string) => ({
  job_id: 'j',
  tenant_id: 't',
  run_id: null,
  kind,
  phase,
  diagnostics: {},
});

describe('demo simulator', () => {
  it('moves a queued job to started in resolve', () => {
    expect(advance(job('queued', 'unknown'), 0.5)).toMatchObject({ kind: 'started', phase: 'resolve' });
  });

  it('walks the phases in order and succeeds after report', () => {
    expect(advance(job('started', 'resolve'), 0.5)).toMatchObject({ kind: 'phase', phase: 'fetch' });
    expect(advance(job('phase', 'policy'), 0.5)).toMatchObject({ kind: 'phase', phase: 'report' });
    expect(advance(job('phase', 'report'), 0.5)).toMatchObject({
      kind: 'succeeded',
      phase: 'report',
      eta: null,
    });
  });

  it('fails in the current phase with that phase error code on a low roll', () => {
    expect(advance(job('phase', 'fetch'), 0.01)).toMatchObject({
      kind: 'failed',
      phase: 'fetch',
      error: 'REGISTRY_RATE_LIMITED',
    });
  });
});
