import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import { PROJECT_ROOT } from '../../db/connect';
import { prng } from '../../db/demo/tenants';
import { lognormalMs } from './telemetry';

/** The p-th percentile of the values as PostgreSQL's percentile_cont computes it (linear interpolation). */
export function exactP(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const r = p * (s.length - 1);
  return s[Math.floor(r)]! + (s[Math.ceil(r)]! - s[Math.floor(r)]!) * (r - Math.floor(r));
}

/**
 * The window functions exactly as migration 0004 defined them and the hourly and
 * daily percentiles as 0003 did (hour grain and pending deltas only), installed as
 * ttfs_ref.*: the reference the day grain and the percentile summaries must
 * reproduce row for row.
 */
export async function installHourGrainReference(sql: postgres.Sql) {
  const windows = readFileSync(
    path.join(PROJECT_ROOT, 'tests/fixtures/pre-baseline-migrations/0004_ttfs_window_stats.sql'),
    'utf8',
  )
    .replaceAll(
      'CREATE OR REPLACE FUNCTION scheduler.ttfs_window_stats(',
      'CREATE OR REPLACE FUNCTION ttfs_ref.ttfs_window_stats(',
    )
    .replaceAll(
      'CREATE OR REPLACE FUNCTION scheduler.ttfs_window_histogram(',
      'CREATE OR REPLACE FUNCTION ttfs_ref.ttfs_window_histogram(',
    );
  const rollups = readFileSync(
    path.join(PROJECT_ROOT, 'tests/fixtures/pre-baseline-migrations/0003_ttfs_rollups.sql'),
    'utf8',
  );
  const fn = (name: string) =>
    rollups
      .match(new RegExp(`CREATE OR REPLACE FUNCTION scheduler\\.${name}\\([\\s\\S]*?END \\$fn\\$;`))![0]
      .replace(`scheduler.${name}(`, `ttfs_ref.${name}(`);
  await sql
    .unsafe(
      `create schema if not exists ttfs_ref;\n${windows}\n${fn('ttfs_daily_quantiles')}\n${fn('ttfs_hourly_quantiles')}`,
    )
    .simple();
}

export interface EventRow {
  ts: Date;
  tenant_id: string;
  job_id: string;
  surface: string;
  event_type: string;
  ttfs_ms: number;
  cache_hit: boolean;
}

const TYPES = [
  'signal.start',
  'signal.rendered',
  'signal.rendered',
  'signal.rendered',
  'signal.timeout',
  'signal.error',
  'signal.cache_hit',
  'signal.cold_start',
];

/** `count` random events of `tenant` in [from, to): lognormal body, tiny values and heavy tails. */
export function randomEvents(seed: number, tenant: string, from: Date, to: Date, count: number): EventRow[] {
  const rand = prng(seed);
  const span = to.getTime() - from.getTime();
  return Array.from({ length: count }, () => ({
    ts: new Date(from.getTime() + Math.floor(rand.next() * span)),
    tenant_id: tenant,
    job_id: randomUUID(),
    surface: rand.pick(['ui', 'cli', 'ci']),
    event_type: rand.pick(TYPES),
    ttfs_ms:
      rand.next() < 0.08
        ? rand.int(0, 100)
        : rand.next() < 0.04
          ? rand.int(10_000, 400_000)
          : lognormalMs(rand.next, rand.next() < 0.7 ? 700 : 2100, 0.6),
    cache_hit: rand.next() < 0.65,
  }));
}

export async function insertEvents(sql: postgres.Sql, rows: EventRow[]) {
  for (let i = 0; i < rows.length; i += 2000) {
    await sql`insert into scheduler.ttfs_events ${sql(rows.slice(i, i + 2000), 'ts', 'tenant_id', 'job_id', 'surface', 'event_type', 'ttfs_ms', 'cache_hit')}`;
  }
}
