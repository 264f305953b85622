import { sql } from '@/lib/db';
import { ApiError } from '@/lib/errors';
import { consume, refund, type Bucket } from './rate-limit';

// Failed sign-ins are limited per user name (protects each account wherever the
// guesses come from) and per client address (one client trying many names).
export const SIGN_IN_PER_USER: Bucket = { capacity: 10, perSecond: 1 / 30 };
export const SIGN_IN_PER_CLIENT: Bucket = { capacity: 30, perSecond: 1 / 10 };

/** The client address as forwarded by Next.js or a reverse proxy (best effort). */
export function clientAddress(request: Request): string {
  return (
    request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() ||
    request.headers.get('x-real-ip') ||
    'unknown'
  );
}

/** Runs a sign-in attempt under the rate limits; a successful attempt is refunded. */
export async function limitedSignIn<T>(
  request: Request,
  username: string,
  attempt: () => Promise<T | null>,
): Promise<T | null> {
  const keys: [string, Bucket][] = [
    [`signin:user:${username.toLowerCase()}`, SIGN_IN_PER_USER],
    [`signin:client:${clientAddress(request)}`, SIGN_IN_PER_CLIENT],
  ];
  for (const [key, bucket] of keys) {
    const decision = await consume(sql, key, bucket);
    if (!decision.allowed) {
      throw new ApiError(
        429,
        'rate_limited',
        'Too many sign-in attempts. Wait a moment and try again.',
        undefined,
        { 'Retry-After': String(decision.retryAfter) },
      );
    }
  }
  const result = await attempt();
  if (result !== null) for (const [key, bucket] of keys) await refund(sql, key, bucket);
  return result;
}
