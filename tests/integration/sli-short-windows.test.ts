import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliCounts, sliCountsEndingAt, type Scope } from '@/lib/queries/dashboard';
import { newTenant, testSql } from '../helpers/db';
import { insertEvents, randomEvents } from '../helpers/rollups';

// Short burn-rate windows are exact to the millisecond: whole hours from the
// rollup cells, edges from raw events. They must equal a plain count of raw events.

const sql = testSql();
afterAll(() => sql.end());
const tenant = newTenant();
const other = newTenant();
const MIN = 60_000;

/** The definition: SLI outcomes of raw events in [from, to). */
async function rawCounts(from: Date, to: Date, scope: Scope) {
  return sql<{ tenantId: string; surface: string; total: number; bad2000: number; bad5000: number }[]>`
    select tenant_id as "tenantId", surface, count(*)::int as total,
      count(*) filter (where event_type <> 'signal.rendered' or ttfs_ms > 2000)::int as bad2000,
      count(*) filter (where event_type <> 'signal.rendered' or ttfs_ms > 5000)::int as bad5000
    from scheduler.ttfs_events
    where ts >= ${from} and ts < ${to} and tenant_id = any(${scope.tenantIds}::uuid[])
      and event_type in ('signal.rendered', 'signal.timeout', 'signal.error')
      ${scope.surface ? sql`and surface = ${scope.surface}` : sql``}
      ${scope.cache ? sql`and cache_hit = ${scope.cache === 'hit'}` : sql``}
    group by 1, 2`;
}

const sorted = <T extends { tenantId: string; surface: string }>(rows: T[]) =>
  [...rows]
    .sort((a, b) => `${a.tenantId}${a.surface}`.localeCompare(`${b.tenantId}${b.surface}`))
    .map((r) => ({ ...r }));

beforeAll(async () => {
  const now = Date.now();
  await insertEvents(sql, randomEvents(51, tenant, new Date(now - 7 * 3600_000), new Date(now), 12_000));
  await insertEvents(sql, randomEvents(52, other, new Date(now - 7 * 3600_000), new Date(now), 1000));
  await sql`select scheduler.ttfs_rollup_fold()`;
  // Pending deltas, and events stamped in the future (client clock skew).
  await insertEvents(sql, randomEvents(53, tenant, new Date(now - 2 * 3600_000), new Date(now), 300));
  await insertEvents(sql, randomEvents(54, tenant, new Date(now + 60_000), new Date(now + 20 * MIN), 40));
});

describe('short-window SLI counts', () => {
  it('equal a count of raw events, for every end time, window length and filter', async () => {
    const scopes: Scope[] = [
      { tenantIds: [tenant] },
      { tenantIds: [tenant, other] },
      { tenantIds: [tenant], surface: 'ui', cache: 'cold' },
      { tenantIds: [tenant], cache: 'hit' },
    ];
    const lengths = [5 / 60, 0.5, 1, 2.25, 5.99];
    const now = Date.now();
    // End times at the start, middle and end of hours, and a past one.
    const ends = [
      now,
      Math.floor(now / 3600_000) * 3600_000,
      Math.floor((now - 30 * MIN) / 3600_000) * 3600_000 + 30 * MIN + 1,
      now - 3 * 3600_000 - 7 * MIN,
    ];
    for (const end of ends) {
      const to = new Date(end);
      for (const scope of scopes) {
        const batched = await sliCountsEndingAt(to, lengths, scope);
        for (const h of lengths) {
          const expected = sorted(await rawCounts(new Date(end - Math.round(h * 3600_000)), to, scope));
          if (!scope.surface && !scope.cache) expect(expected.length).toBeGreaterThan(0);
          expect(
            sorted(batched.get(h)!),
            `${new Date(end).toISOString()} ${h} h ${JSON.stringify(scope)}`,
          ).toEqual(expected);
          expect(sorted(await sliCounts(new Date(end - Math.round(h * 3600_000)), to, scope))).toEqual(
            expected,
          );
        }
      }
    }
  });
});
