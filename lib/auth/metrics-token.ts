import { timingSafeEqual } from 'node:crypto';
import type { RequestLike } from '@/lib/http/reply';

/** Whether the request carries the operators' metrics token (TTFS_METRICS_TOKEN), compared in constant time. */
export function hasMetricsToken(request: RequestLike): boolean {
  const token = process.env.TTFS_METRICS_TOKEN;
  if (!token) return false;
  const sent = Buffer.from(request.headers.get('authorization')?.replace(/^bearer\s+/i, '') ?? '');
  const want = Buffer.from(token);
  return sent.length === want.length && timingSafeEqual(sent, want);
}
