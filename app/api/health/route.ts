import { databaseRoundTrip } from '@/lib/queries/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  try {
    const db = await databaseRoundTrip();
    return Response.json(
      { status: 'ok', database: { status: 'up', roundTripMs: db.ms, version: db.version } },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  } catch {
    return Response.json(
      { status: 'degraded', database: { status: 'down' } },
      { status: 503, headers: { 'Cache-Control': 'no-store', 'Retry-After': '5' } },
    );
  }
}
