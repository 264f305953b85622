import { mkdtempSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR, readMigrations } from '../../db/migrate';
import { freshDatabases } from '../helpers/db';

const freshDatabase = freshDatabases('ttfs_migrate', { max: 4 });

describe('migration runner', () => {
  it('applies every file on an empty database, then nothing on a second run', async () => {
    const { sql } = await freshDatabase();
    const files = readMigrations().map((f) => f.name);
    const first = await migrate(sql);
    expect(first.applied).toEqual(files);
    const recorded = await sql<
      { name: string }[]
    >`select name from public.ttfs_schema_migrations order by name`;
    expect(recorded.map((r) => r.name)).toEqual(files);
    const [tables] = await sql<[{ n: number }]>`
      select count(*)::int as n from information_schema.tables
      where table_schema = 'scheduler' and table_name in ('first_signal_snapshots', 'failure_signatures', 'runs')`;
    expect(tables.n).toBe(3);

    const second = await migrate(sql);
    expect(second.applied).toEqual([]);
    expect(second.skipped).toBe(files.length);
    await sql.end();
  });

  it('lets two concurrent runners apply each file exactly once', async () => {
    const { sql } = await freshDatabase();
    const other = postgres(
      sql.options.host[0]
        ? `postgres://${sql.options.user}${sql.options.pass ? `:${sql.options.pass}` : ''}@${sql.options.host[0]}:${sql.options.port[0]}/${sql.options.database}`
        : '',
      { max: 4, onnotice: () => {} },
    );
    const [a, b] = await Promise.all([migrate(sql), migrate(other)]);
    const files = readMigrations().map((f) => f.name);
    expect([...a.applied, ...b.applied].sort()).toEqual(files);
    expect(a.applied.length + b.applied.length).toBe(files.length);
    const [count] = await sql<[{ n: number }]>`select count(*)::int as n from public.ttfs_schema_migrations`;
    expect(count.n).toBe(files.length);
    await Promise.all([sql.end(), other.end()]);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const { sql } = await freshDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'ttfs-migrations-'));
    for (const f of readdirSync(MIGRATIONS_DIR))
      copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    writeFileSync(path.join(dir, '9999_probe.sql'), 'create table public.probe (id int);');
    await migrate(sql, { dir });
    writeFileSync(path.join(dir, '9999_probe.sql'), 'create table public.probe (id bigint);');
    await expect(migrate(sql, { dir })).rejects.toThrow(/changed after it was applied/);
    await sql.end();
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const { sql } = await freshDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'ttfs-migrations-'));
    for (const f of readdirSync(MIGRATIONS_DIR))
      copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    writeFileSync(
      path.join(dir, '9999_broken.sql'),
      'create table public.half (id int);\nselect no_such_function();',
    );
    await expect(migrate(sql, { dir })).rejects.toThrow(/no_such_function/);
    const [half] = await sql<[{ exists: boolean }]>`select to_regclass('public.half') is not null as exists`;
    expect(half.exists).toBe(false);
    const [rec] = await sql<
      [{ n: number }]
    >`select count(*)::int as n from public.ttfs_schema_migrations where name = '9999_broken.sql'`;
    expect(rec.n).toBe(0);
    await sql.end();
  });
});
