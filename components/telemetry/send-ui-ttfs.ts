'use client';

/** What differs between the console's own TTFS reports (a page render, a job's first signal). */
export interface UiTtfsSubject {
  tenant_id: string;
  job_id: string;
  run_id?: string | null;
  cache_hit: boolean;
  metadata?: Record<string, unknown>;
}

/**
 * Sends a signal.start / signal.rendered pair with surface `ui`: the start at
 * navigation start, the render `ttfs` ms later. `rendered` adds fields to the
 * second event only. Fire and forget; survives the page being left.
 */
export function sendUiTtfs(subject: UiTtfsSubject, ttfs: number, rendered: Record<string, unknown> = {}) {
  const startedAt = performance.timeOrigin;
  const common = {
    schema_version: 'v1.0',
    ...subject,
    surface: 'ui',
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
      ...rendered,
    },
  ];
  void fetch('/api/v1/telemetry/ttfs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    keepalive: true,
  }).catch(() => {});
}
