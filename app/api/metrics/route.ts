import { hasMetricsToken } from '@/lib/auth/metrics-token';
import { LOOKUP_CONNECTIONS, POOL_SIZE } from '@/lib/db';
import { ApiError, toResponse } from '@/lib/errors';
import { CONTENT_TYPE, metrics, scrape } from '@/lib/ops/metrics';
import { consoleConnections, initializeTtfsSeries } from '@/lib/queries/metrics';
import { hubStats } from '@/lib/signals/hub';

export const dynamic = 'force-dynamic';

// Prometheus scrapes with `Authorization: Bearer $TTFS_METRICS_TOKEN`. Without a
// configured token the endpoint is open only in demo mode.
function allowed(request: Request) {
  if (!process.env.TTFS_METRICS_TOKEN) return process.env.TTFS_DEMO === '1';
  return hasMetricsToken(request);
}

export async function GET(request: Request) {
  if (!allowed(request))
    return toResponse(ApiError.forbidden('Send the metrics token (TTFS_METRICS_TOKEN).'));
  // The TTFS counters of every label set known at start, at 0, before the first answer.
  await initializeTtfsSeries().catch(() => {});
  const stats = hubStats();
  metrics.sseOpenStreams.set(stats.openStreams);
  metrics.listenConnections.set(stats.listenConnections);
  metrics.dbPoolMax.set(POOL_SIZE + LOOKUP_CONNECTIONS);
  metrics.residentMemory.set(process.memoryUsage().rss);
  try {
    const rows = await consoleConnections();
    metrics.dbConnections.reset();
    for (const r of rows) metrics.dbConnections.set({ state: r.state }, r.n);
    metrics.dbUp.set(1);
  } catch {
    metrics.dbUp.set(0);
  }
  return new Response(await scrape(), {
    headers: { 'Content-Type': CONTENT_TYPE, 'Cache-Control': 'no-store' },
  });
}
