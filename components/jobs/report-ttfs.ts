'use client';

import { sendUiTtfs } from '@/components/telemetry/send-ui-ttfs';
import type { Signal } from '@/lib/schemas/signal';

/**
 * The console measures its own time to first signal: from when the person
 * opened the page (navigation start) until the first signal was on screen,
 * reported as a signal.start / signal.rendered pair with surface `ui`.
 */
export function reportUiTtfs(signal: Signal, source: string) {
  sendUiTtfs(
    {
      tenant_id: signal.tenantId,
      job_id: signal.jobId,
      run_id: signal.runId,
      cache_hit: source === 'snapshot',
    },
    Math.max(0, Math.round(performance.now())),
    { signal_source: source, kind: signal.kind, phase: signal.phase },
  );
}
