import { databaseRoundTrip } from '@/lib/queries/health';
import { hubStats } from '@/lib/signals/hub';

export const dynamic = 'force-dynamic';

export async function GET() {
  const process_ = { node: process.version, rssBytes: process.memoryUsage().rss, sse: hubStats() };
  try {
    const db = await databaseRoundTrip();
    return Response.json(
      {
        status: 'ok',
        database: { status: 'up', roundTripMs: db.ms, version: db.version },
        process: process_,
      },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  } catch {
    return Response.json(
      { status: 'degraded', database: { status: 'down' }, process: process_ },
      { status: 503, headers: { 'Cache-Control': 'no-store', 'Retry-After': '5' } },
    );
  }
}
