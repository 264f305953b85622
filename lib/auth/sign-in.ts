import { sql } from '@/lib/db';
import { ApiError } from '@/lib/errors';
import { consume, refund, type Bucket } from './rate-limit';

// Failed sign-ins are limited
// - per user name and client address: 10, then one every 30 s. A guesser is
//   refused (429) while the account's owner, signing in from elsewhere, is not;
// - per client address: 30, then one every 10 s (one client trying many names);
// - per user name from everywhere: 30, then one every 10 s. Past that, every
//   attempt on the account waits SIGN_IN_SLOWDOWN_MS before it is answered
//   instead of being refused: guesses from many addresses are slowed, and the
//   owner still gets in.
// The client address is the connection's, or what a trusted proxy says it is
// (lib/http/forwarded.ts): a client cannot pick its own by sending X-Forwarded-For.
export const SIGN_IN_PER_USER_AND_CLIENT: Bucket = { capacity: 10, perSecond: 1 / 30 };
export const SIGN_IN_PER_CLIENT: Bucket = { capacity: 30, perSecond: 1 / 10 };
export const SIGN_IN_PER_USER: Bucket = { capacity: 30, perSecond: 1 / 10 };
export const SIGN_IN_SLOWDOWN_MS = 2000;

/** The client address, as the app server set it from the connection or a trusted proxy. */
export function clientAddress(request: Request): string {
  return request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';
}

/** Runs a sign-in attempt under the rate limits; a successful attempt is refunded. */
export async function limitedSignIn<T>(
  request: Request,
  username: string,
  attempt: () => Promise<T | null>,
): Promise<T | null> {
  const user = username.toLowerCase();
  const client = clientAddress(request);
  const keys: [string, Bucket][] = [
    [`signin:user-client:${user}:${client}`, SIGN_IN_PER_USER_AND_CLIENT],
    [`signin:client:${client}`, SIGN_IN_PER_CLIENT],
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
  const account: [string, Bucket] = [`signin:user:${user}`, SIGN_IN_PER_USER];
  if (!(await consume(sql, ...account)).allowed) await new Promise((r) => setTimeout(r, SIGN_IN_SLOWDOWN_MS));
  const result = await attempt();
  if (result !== null) for (const [key, bucket] of [...keys, account]) await refund(sql, key, bucket);
  return result;
}
