import 'server-only';
import { sql } from '@/lib/db';

export async function databaseRoundTrip(): Promise<{ ms: number; version: string }> {
  const started = performance.now();
  const [row] = await sql<{ version: string }[]>`select current_setting('server_version') as version`;
  return { ms: Math.round((performance.now() - started) * 100) / 100, version: row!.version };
}
