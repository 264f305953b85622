import type { Sql } from 'postgres';

export interface Bucket {
  /** Requests the bucket holds when full (the burst). */
  capacity: number;
  /** Requests per second it refills. */
  perSecond: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until one request is allowed again (0 when allowed). */
  retryAfter: number;
}

/**
 * Takes one request from the token bucket `key`, atomically in one statement,
 * so every app instance shares the same budget. A denied request does not
 * consume anything.
 */
export async function consume(sql: Sql, key: string, bucket: Bucket): Promise<RateDecision> {
  // Every request of a token updates the same row: commit without waiting for
  // the WAL flush so concurrent requests do not queue behind one fsync each.
  // Losing the last few bucket updates in a crash only forgives a few requests.
  const [row] = await sql.begin(async (tx) => {
    await tx`set local synchronous_commit = off`;
    return tx<{ tokens: number; allowed: boolean }[]>`
    insert into console.rate_limits as b (key, tokens, allowed, updated_at)
    values (${key}, ${bucket.capacity - 1}, true, clock_timestamp())
    on conflict (key) do update set
      allowed = least(${bucket.capacity}::float8, b.tokens + extract(epoch from clock_timestamp() - b.updated_at) * ${bucket.perSecond}::float8) >= 1,
      tokens = least(${bucket.capacity}::float8, b.tokens + extract(epoch from clock_timestamp() - b.updated_at) * ${bucket.perSecond}::float8)
        - case when least(${bucket.capacity}::float8, b.tokens + extract(epoch from clock_timestamp() - b.updated_at) * ${bucket.perSecond}::float8) >= 1 then 1 else 0 end,
      updated_at = clock_timestamp()
    returning tokens, allowed`;
  });
  // Idle buckets are full again after capacity/perSecond seconds; drop old rows now and then.
  if (Math.random() < 0.005)
    void sql`delete from console.rate_limits where updated_at < now() - interval '1 day'`.catch(() => {});
  if (row!.allowed) return { allowed: true, retryAfter: 0 };
  return { allowed: false, retryAfter: Math.max(1, Math.ceil((1 - row!.tokens) / bucket.perSecond)) };
}

/** Gives one request back, e.g. after a successful sign-in, so only failures count. */
export async function refund(sql: Sql, key: string, bucket: Bucket): Promise<void> {
  await sql`update console.rate_limits set tokens = least(${bucket.capacity}::float8, tokens + 1) where key = ${key}`;
}
