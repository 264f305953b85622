import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { PROJECT_ROOT, resolveDatabase, runningDatabaseUrl } from '../db/connect';
import { createDatabase, dropDatabase } from '../db/cluster';
import { migrate } from '../db/migrate';

/**
 * The database of the running app (embedded default included), else
 * DATABASE_URL, else a newly started embedded server.
 */
export async function benchDatabase() {
  const running = runningDatabaseUrl();
  if (running) return { url: running, stop: async () => {} };
  const { url, embedded } = await resolveDatabase();
  return { url, stop: async () => embedded?.stop() };
}

/** A throw-away, migrated database on the same server, dropped by `drop()`. */
export async function scratchDatabase(serverUrl: string) {
  const name = `ttfs_bench_${randomBytes(4).toString('hex')}`;
  const sql = postgres(await createDatabase(serverUrl, name), { max: 4, onnotice: () => {} });
  await migrate(sql);
  return {
    sql,
    async drop() {
      await sql.end();
      await dropDatabase(serverUrl, name);
    },
  };
}

/** The scheduler schema as first written, which the benches compare ours with. */
export function seedSchemaSql(): string {
  return readFileSync(
    path.join(PROJECT_ROOT, 'tests/fixtures/pre-baseline-migrations/0001_ttfs_schema.sql'),
    'utf8',
  );
}

/** The three views exactly as the scheduler schema defines them, in schema `seed`. */
export function seedViewDefinitions(): string {
  const views = [...seedSchemaSql().matchAll(/CREATE OR REPLACE VIEW scheduler\.(\w+) AS([\s\S]*?);/g)];
  return [
    'create schema if not exists seed;',
    ...views.map(([, name, body]) => `create or replace view seed.${name} as ${body};`),
  ].join('\n');
}

export async function timeMs(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]! * 100) / 100;
}
