import { requestViewer } from '@/lib/auth';
import { hasMetricsToken } from '@/lib/auth/metrics-token';
import { roleAtLeast } from '@/lib/auth/roles';
import { databaseRoundTrip } from '@/lib/queries/health';
import { hubStats } from '@/lib/signals/hub';

export const dynamic = 'force-dynamic';

/** Admins and the metrics token see versions, memory and streams; everyone else only the status. */
async function mayReadDetails(request: Request): Promise<boolean> {
  if (hasMetricsToken(request)) return true;
  try {
    const viewer = await requestViewer(request);
    return viewer?.kind === 'user' && roleAtLeast(viewer.role, 'admin');
  } catch {
    return false; // an unknown bearer token: the public answer
  }
}

export async function GET(request: Request) {
  const details = await mayReadDetails(request);
  const process_ = { node: process.version, rssBytes: process.memoryUsage().rss, sse: hubStats() };
  try {
    const db = await databaseRoundTrip();
    return Response.json(
      details
        ? {
            status: 'ok',
            database: { status: 'up', roundTripMs: db.ms, version: db.version },
            process: process_,
          }
        : { status: 'ok', database: { status: 'up' } },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  } catch {
    return Response.json(
      details
        ? { status: 'degraded', database: { status: 'down' }, process: process_ }
        : { status: 'degraded', database: { status: 'down' } },
      { status: 503, headers: { 'Cache-Control': 'no-store', 'Retry-After': '5' } },
    );
  }
}
