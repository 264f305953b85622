import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS_DIR, migrate, PRE_BASELINE_MIGRATIONS, readFunctionFiles } from '../../db/migrate';
import { freshDatabases } from '../helpers/db';
import { applyPreBaseline, catalogSchema, pgDumpSchema, PRE_BASELINE_DIR } from '../helpers/schema';

const freshDatabase = freshDatabases('ttfs_layout');

describe('schema layout: baseline plus function files', () => {
  it('upgrades a database made by the pre-baseline migrations to exactly the schema of a fresh one', async () => {
    const old = await freshDatabase();
    const applied = await applyPreBaseline(old.sql);
    expect(applied).toEqual(PRE_BASELINE_MIGRATIONS);
    expect(readdirSync(PRE_BASELINE_DIR).sort()).toEqual(PRE_BASELINE_MIGRATIONS);
    const upgrade = await migrate(old.sql);
    expect(upgrade.adopted).toBe(true);
    expect(upgrade.functions).toEqual(readFunctionFiles().map((f) => f.name));

    const fresh = await freshDatabase();
    const first = await migrate(fresh.sql);
    expect(first.adopted).toBe(false);
    expect(first.applied[0]).toBe('0001_baseline.sql');

    const [oldCatalog, freshCatalog] = await Promise.all([catalogSchema(old.sql), catalogSchema(fresh.sql)]);
    expect(freshCatalog.length).toBeGreaterThan(200);
    expect(oldCatalog).toEqual(freshCatalog);

    const [{ v }] = await fresh.sql<
      [{ v: number }]
    >`select current_setting('server_version_num')::int / 10000 as v`;
    const oldDump = pgDumpSchema(old.url, v);
    const freshDump = pgDumpSchema(fresh.url, v);
    if (oldDump !== null) {
      // A pg_dump of the server's major version is installed (the machine's PostgreSQL): compare its output too.
      expect(freshDump).toContain('CREATE TABLE scheduler.ttfs_events');
      expect(oldDump).toEqual(freshDump);
    }

    const [migrations] = await old.sql<[{ names: string[] }]>`
      select array_agg(name order by name) as names from public.ttfs_schema_migrations`;
    const [freshMigrations] = await fresh.sql<[{ names: string[] }]>`
      select array_agg(name order by name) as names from public.ttfs_schema_migrations`;
    expect(migrations.names).toEqual(freshMigrations.names);
    const again = await migrate(old.sql);
    expect(again).toMatchObject({ applied: [], functions: [], adopted: false });
    await Promise.all([old.sql.end(), fresh.sql.end()]);
  });

  it('refuses a database that lacks some pre-baseline migrations, and changes nothing', async () => {
    const old = await freshDatabase();
    await applyPreBaseline(old.sql, (name) => name < '0070');
    await expect(migrate(old.sql)).rejects.toThrow(
      /lacks 0070_packed_histogram_deltas\.sql, 0071_hash_job_index\.sql/,
    );
    const [rec] = await old.sql<[{ n: number }]>`
      select count(*)::int as n from public.ttfs_schema_migrations where name = '0001_baseline.sql'`;
    expect(rec.n).toBe(0);
    await old.sql.end();
  });

  it('re-applies the function files when one changes, and records the new checksum', async () => {
    const db = await freshDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'ttfs-functions-'));
    for (const f of readdirSync(FUNCTIONS_DIR)) copyFileSync(path.join(FUNCTIONS_DIR, f), path.join(dir, f));
    await migrate(db.sql, { functionsDir: dir });
    expect((await migrate(db.sql, { functionsDir: dir })).functions).toEqual([]);

    const file = path.join(dir, '10_rollups.sql');
    const text = readFileSync(file, 'utf8');
    const changed = text.replace(
      'SELECT CASE WHEN ms <= 100 THEN ms ELSE 100 + ceil(ln(ms / 100.0::float8) / ln(1.02::float8))::int END',
      'SELECT CASE WHEN ms <= 100 THEN ms ELSE 100 + ceil(ln(ms / 100.0::float8) / ln(1.02::float8))::int END -- probe',
    );
    expect(changed).not.toBe(text);
    writeFileSync(file, changed);
    const second = await migrate(db.sql, { functionsDir: dir });
    expect(second.functions).toContain('10_rollups.sql');
    const [def] = await db.sql<[{ src: string }]>`
      select prosrc as src from pg_proc where proname = 'ttfs_bucket' and pronamespace = 'scheduler'::regnamespace`;
    expect(def.src).toContain('-- probe');
    const [row] = await db.sql<[{ n: number }]>`select count(*)::int as n from public.ttfs_schema_functions`;
    expect(row.n).toBe(readdirSync(dir).length);
    await db.sql.end();
  });

  it('rolls back every function file when one fails, keeping the old definitions', async () => {
    const db = await freshDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'ttfs-functions-'));
    for (const f of readdirSync(FUNCTIONS_DIR)) copyFileSync(path.join(FUNCTIONS_DIR, f), path.join(dir, f));
    await migrate(db.sql, { functionsDir: dir });
    writeFileSync(
      path.join(dir, '99_broken.sql'),
      'create or replace view scheduler.broken as select no_such_column from scheduler.runs;',
    );
    await expect(migrate(db.sql, { functionsDir: dir })).rejects.toThrow(/no_such_column/);
    const [row] = await db.sql<[{ n: number }]>`
      select count(*)::int as n from public.ttfs_schema_functions where name = '99_broken.sql'`;
    expect(row.n).toBe(0);
    await db.sql.end();
  });
});
