// Schema runner: two kinds of SQL files, both recorded with their checksums.
//
// - db/migrations/NNNN_name.sql: tables, columns, indexes, data moves. Forward-only: each
//   pending file runs once, in its own transaction with its bookkeeping row, and is never
//   edited afterwards (an edited file is refused). 0001_baseline.sql is the whole schema of
//   the tables; later files change it.
// - db/functions/NN_concern.sql: functions, views and triggers, each defined once, written with
//   CREATE OR REPLACE. After the migrations, when any file's checksum changed (or a migration
//   ran), every file is applied again in name order, in one transaction.
//
// Everything runs under a transaction-level advisory lock, so several app instances starting
// at once apply each file exactly once and never see a half-applied one. See docs/database.md.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql, TransactionSql } from 'postgres';

const DB_DIR = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = path.join(DB_DIR, 'migrations');
export const FUNCTIONS_DIR = path.join(DB_DIR, 'functions');
export const BASELINE = '0001_baseline.sql';
// Arbitrary constant shared by every runner of this app ("ttfs" in ASCII).
const LOCK_KEY = 0x74746673;

// The files a database created before the baseline recorded. Their combined result is exactly
// 0001_baseline.sql plus db/functions, so such a database is adopted: these rows are replaced by
// the baseline's, and the function files are applied over the old definitions.
export const PRE_BASELINE_MIGRATIONS = [
  '0001_ttfs_schema.sql',
  '0002_console_tenants.sql',
  '0003_ttfs_rollups.sql',
  '0004_ttfs_window_stats.sql',
  '0005_ttfs_release_annotations.sql',
  '0006_rollup_delta_autovacuum.sql',
  '0007_ttfs_bucket_float.sql',
  '0008_ttfs_day_grain.sql',
  '0020_failure_matching.sql',
  '0021_signature_audit.sql',
  '0022_match_failure_signature_sql.sql',
  '0030_console_auth.sql',
  '0050_retention_runs.sql',
  '0060_lookup_cache_invalidation.sql',
  '0070_packed_histogram_deltas.sql',
  '0071_hash_job_index.sql',
];

export interface SqlFile {
  name: string;
  sql: string;
  checksum: string;
}

function readSqlFiles(dir: string, pattern: RegExp): SqlFile[] {
  return readdirSync(dir)
    .filter((f) => pattern.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export function readMigrations(dir = MIGRATIONS_DIR): SqlFile[] {
  return readSqlFiles(dir, /^\d{4}_[\w-]+\.sql$/);
}

export function readFunctionFiles(dir = FUNCTIONS_DIR): SqlFile[] {
  return readSqlFiles(dir, /^\d{2}_[\w-]+\.sql$/);
}

export interface MigrateResult {
  applied: string[];
  skipped: number;
  /** function files applied in this run (all of them when any changed), [] when none changed */
  functions: string[];
  /** true when a database created before the baseline was adopted in this run */
  adopted: boolean;
  /** `citus` on a Citus coordinator, else `postgres` (db/functions/90_engine.sql) */
  engine: 'citus' | 'postgres';
}

async function lockAndBookkeeping(tx: TransactionSql) {
  await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
  await tx`create table if not exists public.ttfs_schema_migrations (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`;
  await tx`create table if not exists public.ttfs_schema_functions (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`;
}

/** A database made before the baseline: swap its bookkeeping for the baseline's. */
async function adoptPreBaseline(tx: TransactionSql, baseline: SqlFile | undefined): Promise<boolean> {
  const rows = await tx<{ name: string }[]>`
    select name from public.ttfs_schema_migrations where name = any(${PRE_BASELINE_MIGRATIONS})`;
  if (rows.length === 0) return false;
  const have = new Set(rows.map((r) => r.name));
  const missing = PRE_BASELINE_MIGRATIONS.filter((n) => !have.has(n));
  if (missing.length > 0) {
    throw new Error(
      `This database was created by an older version of the console and lacks ${missing.join(', ')}. ` +
        'Upgrade it first with the release that last shipped those files, or recreate it.',
    );
  }
  if (!baseline) throw new Error(`${BASELINE} is missing from db/migrations.`);
  await tx`delete from public.ttfs_schema_migrations where name = any(${PRE_BASELINE_MIGRATIONS})`;
  await tx`insert into public.ttfs_schema_migrations (name, checksum) values (${baseline.name}, ${baseline.checksum})`;
  return true;
}

export async function migrate(
  sql: Sql,
  options: { dir?: string; functionsDir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  const files = readMigrations(options.dir);
  const functionFiles = readFunctionFiles(options.functionsDir);
  const applied: string[] = [];
  let skipped = 0;

  const adopted = await sql.begin(async (tx) => {
    await lockAndBookkeeping(tx);
    return adoptPreBaseline(
      tx,
      files.find((f) => f.name === BASELINE),
    );
  });
  if (adopted) options.log?.(`adopted a database created before ${BASELINE}`);

  for (const file of files) {
    const ran = await sql.begin(async (tx) => {
      await lockAndBookkeeping(tx);
      const [done] = await tx<{ checksum: string }[]>`
        select checksum from public.ttfs_schema_migrations where name = ${file.name}`;
      if (done) {
        if (done.checksum !== file.checksum) {
          throw new Error(
            `Migration ${file.name} was changed after it was applied. Migrations are forward-only: add a new file instead.`,
          );
        }
        return false;
      }
      await tx.unsafe(file.sql).simple();
      await tx`insert into public.ttfs_schema_migrations (name, checksum) values (${file.name}, ${file.checksum})`;
      return true;
    });
    if (ran) {
      applied.push(file.name);
      options.log?.(`applied ${file.name}`);
    } else skipped++;
  }

  const functions = await sql.begin(async (tx) => {
    await lockAndBookkeeping(tx);
    const recorded = await tx<{ name: string; checksum: string }[]>`
      select name, checksum from public.ttfs_schema_functions`;
    const byName = new Map(recorded.map((r) => [r.name, r.checksum]));
    const changed =
      applied.length > 0 ||
      adopted ||
      recorded.length !== functionFiles.length ||
      functionFiles.some((f) => byName.get(f.name) !== f.checksum);
    if (!changed) return [];
    // Bodies reference each other and the views across files: check them when called.
    await tx`set local check_function_bodies = off`;
    for (const file of functionFiles) await tx.unsafe(file.sql).simple();
    await tx`delete from public.ttfs_schema_functions`;
    for (const file of functionFiles) {
      await tx`insert into public.ttfs_schema_functions (name, checksum) values (${file.name}, ${file.checksum})`;
    }
    return functionFiles.map((f) => f.name);
  });
  if (functions.length > 0) options.log?.(`applied functions: ${functions.join(', ')}`);

  const [{ engine }] = await sql<
    [{ engine: 'citus' | 'postgres' }]
  >`select scheduler.ttfs_engine() as engine`;
  // lib/db.ts reads it when first imported (the app server and the tests start after migrating).
  process.env.TTFS_DB_ENGINE = engine;
  return { applied, skipped, functions, adopted, engine };
}
