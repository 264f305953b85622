'use client';

import type { Signal } from '@/lib/schemas/signal';

/**
 * The console measures its own time to first signal: from when the person
 * opened the page (navigation start) until the first signal was on screen,
 * reported as a signal.start / signal.rendered pair with surface `ui`.
 */
export function reportUiTtfs(signal: Signal, source: string) {
  const startedAt = performance.timeOrigin;
  const ttfs = Math.max(0, Math.round(performance.now()));
  const common = {
    schema_version: 'v1.0',
    tenant_id: signal.tenantId,
    job_id: signal.jobId,
    run_id: signal.runId,
    surface: 'ui',
    cache_hit: source === 'snapshot',
    device: window.matchMedia('(max-width: 640px)').matches ? 'mobile' : 'desktop',
    network_state:
      (navigator as Navigator & { connection?: { effectiveType?: string } }).connection?.effectiveType ??
      null,
  };
  const body = [
    {
      ...common,
      event_id: crypto.randomUUID(),
      event_type: 'signal.start',
      ttfs_ms: 0,
      timestamp: new Date(startedAt).toISOString(),
    },
    {
      ...common,
      event_id: crypto.randomUUID(),
      event_type: 'signal.rendered',
      ttfs_ms: ttfs,
      timestamp: new Date(startedAt + ttfs).toISOString(),
      signal_source: source,
      kind: signal.kind,
      phase: signal.phase,
    },
  ];
  void fetch('/api/v1/telemetry/ttfs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    keepalive: true,
  }).catch(() => {});
}
