// Helpers for the schema layout tests: the pre-baseline migrations (kept verbatim as a fixture,
// so a database exactly like one made before the baseline can be built in a fresh clone) and a
// schema fingerprint to compare two databases.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type postgres from 'postgres';
import { PROJECT_ROOT } from '../../db/connect';

export const PRE_BASELINE_DIR = path.join(PROJECT_ROOT, 'tests/fixtures/pre-baseline-migrations');

/** Applies the pre-baseline files the way the runner of that time did (bookkeeping included). */
export async function applyPreBaseline(sql: postgres.Sql, include: (name: string) => boolean = () => true) {
  const { createHash } = await import('node:crypto');
  const applied: string[] = [];
  for (const name of readdirSync(PRE_BASELINE_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    if (!include(name)) continue;
    const text = readFileSync(path.join(PRE_BASELINE_DIR, name), 'utf8');
    const checksum = createHash('sha256').update(text).digest('hex');
    const ran = await sql.begin(async (tx) => {
      await tx`create table if not exists public.ttfs_schema_migrations (
        name text primary key, checksum text not null, applied_at timestamptz not null default now())`;
      const [done] = await tx`select 1 from public.ttfs_schema_migrations where name = ${name}`;
      if (done) return false;
      await tx.unsafe(text).simple();
      await tx`insert into public.ttfs_schema_migrations (name, checksum) values (${name}, ${checksum})`;
      return true;
    });
    if (ran) applied.push(name);
  }
  return applied;
}

/** `pg_dump --schema-only` of the database, when a pg_dump of the server's major version is installed. */
export function pgDumpSchema(url: string, serverMajor: number): string | null {
  const bin = `/usr/lib/postgresql/${serverMajor}/bin/pg_dump`;
  if (!existsSync(bin)) return null;
  const out = execFileSync(bin, ['--schema-only', '--no-owner', '-d', url], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  // \restrict carries a random key per dump.
  return out
    .split('\n')
    .filter((l) => !/^\\(un)?restrict /.test(l))
    .join('\n');
}

/** The schema as catalog rows, for servers no installed pg_dump can read. */
export async function catalogSchema(sql: postgres.Sql): Promise<string[]> {
  const schemas = ['scheduler', 'console', 'public'];
  const rows = await sql<{ line: string }[]>`
    select 'rel ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(c.reloptions::text, '') as line
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any(${schemas}) and c.relkind in ('r', 'v', 'm', 'S', 'p')
    union all
    select 'col ' || n.nspname || '.' || c.relname || ' ' || a.attnum || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
        || case when a.attnotnull then ' not null' else '' end || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where n.nspname = any(${schemas}) and c.relkind in ('r', 'v', 'p') and a.attnum > 0 and not a.attisdropped
    union all
    select 'con ' || n.nspname || '.' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any(${schemas})
    union all
    select 'idx ' || pg_get_indexdef(i.indexrelid)
      from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any(${schemas})
    union all
    select 'trg ' || pg_get_triggerdef(t.oid)
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any(${schemas}) and not t.tgisinternal
    union all
    select 'view ' || n.nspname || '.' || c.relname || ' ' || pg_get_viewdef(c.oid)
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any(${schemas}) and c.relkind = 'v'
    union all
    select 'fn ' || pg_get_functiondef(p.oid)
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = any(${schemas}) and p.prokind in ('f', 'p')
    union all
    select 'comment ' || d.classoid::regclass::text || ' ' || coalesce(c.relname, p.proname, '') || ' ' || d.objsubid || ' ' || d.description
      from pg_description d join pg_namespace n on true
      left join pg_class c on d.classoid = 'pg_class'::regclass and c.oid = d.objoid and c.relnamespace = n.oid
      left join pg_proc p on d.classoid = 'pg_proc'::regclass and p.oid = d.objoid and p.pronamespace = n.oid
      where n.nspname = any(${schemas}) and (c.oid is not null or p.oid is not null)
    union all
    select 'seq ' || schemaname || '.' || sequencename || ' ' || data_type || ' ' || increment_by || ' ' || coalesce(cache_size, 0)
      from pg_sequences where schemaname = any(${schemas})
    order by 1`;
  return rows.map((r) => r.line);
}
