// Forward-only migration runner. Each pending file in db/migrations runs in its
// own transaction together with its bookkeeping row, under a transaction-level
// advisory lock, so several app instances starting at once apply each file
// exactly once and never see a half-applied one.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from 'postgres';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Arbitrary constant shared by every runner of this app ("ttfs" in ASCII).
const LOCK_KEY = 0x74746673;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export interface MigrateResult {
  applied: string[];
  skipped: number;
}

export async function migrate(
  sql: Sql,
  options: { dir?: string; log?: (line: string) => void } = {},
): Promise<MigrateResult> {
  const files = readMigrations(options.dir);
  const applied: string[] = [];
  let skipped = 0;
  for (const file of files) {
    const ran = await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
      await tx`create table if not exists public.ttfs_schema_migrations (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`;
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
  return { applied, skipped };
}
