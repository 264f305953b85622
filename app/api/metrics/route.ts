import { timingSafeEqual } from 'node:crypto';
import { APPLICATION_NAMES, LOOKUP_CONNECTIONS, POOL_SIZE, sql } from '@/lib/db';
import { exposition } from '@/lib/ops/metrics';
import { hubStats } from '@/lib/signals/hub';

export const dynamic = 'force-dynamic';

// Prometheus scrapes with `Authorization: Bearer $TTFS_METRICS_TOKEN`. Without a
// configured token the endpoint is open only in demo mode.
function allowed(request: Request) {
  const token = process.env.TTFS_METRICS_TOKEN;
  if (!token) return process.env.TTFS_DEMO === '1';
  const sent = Buffer.from(request.headers.get('authorization')?.replace(/^bearer\s+/i, '') ?? '');
  const want = Buffer.from(token);
  return sent.length === want.length && timingSafeEqual(sent, want);
}

export async function GET(request: Request) {
  if (!allowed(request))
    return Response.json(
      { error: 'forbidden', message: 'Send the metrics token (TTFS_METRICS_TOKEN).' },
      { status: 403 },
    );
  const stats = hubStats();
  const gauges = [
    {
      name: 'ttfs_sse_open_streams',
      help: 'Open Server-Sent Events streams of this instance.',
      value: stats.openStreams,
    },
    {
      name: 'ttfs_listen_connections',
      help: 'LISTEN connections of this instance (1 when healthy).',
      value: stats.listenConnections,
    },
    {
      name: 'ttfs_db_pool_max',
      help: "Connections this instance may open: its pool and the lookup batches' connections.",
      value: POOL_SIZE + LOOKUP_CONNECTIONS,
    },
    {
      name: 'process_resident_memory_bytes',
      help: 'Resident memory of this instance.',
      value: process.memoryUsage().rss,
    },
  ];
  try {
    const rows = await sql<{ state: string; n: number }[]>`
      select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity
      where application_name in (${APPLICATION_NAMES.pool}, ${APPLICATION_NAMES.lookup}) and pid <> pg_backend_pid() group by 1`;
    for (const r of rows)
      gauges.push({
        name: 'ttfs_db_connections',
        help: 'Console connections to PostgreSQL (all instances) by state.',
        value: r.n,
        labels: { state: r.state },
      } as never);
    gauges.push({ name: 'ttfs_db_up', help: 'Whether this instance reaches PostgreSQL.', value: 1 });
  } catch {
    gauges.push({ name: 'ttfs_db_up', help: 'Whether this instance reaches PostgreSQL.', value: 0 });
  }
  return new Response(exposition(gauges), {
    headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}
