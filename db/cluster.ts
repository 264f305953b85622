// Creating and dropping a database on the server behind a URL, whichever engine it is. On a
// Citus coordinator (the `citus` extension present in the database the URL names) CREATE
// DATABASE is not propagated: the database is made on every node, the extension created in
// each, and the coordinator and workers registered in it, as Citus keeps its metadata per
// database. Used by the test setup and the benchmarks' scratch databases.
import postgres from 'postgres';

type Sql = postgres.Sql;

function withDatabase(url: string, database: string, host?: string, port?: number): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  if (host) u.hostname = host;
  if (port) u.port = String(port);
  return u.toString();
}

async function once<T>(url: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export interface CitusNode {
  host: string;
  port: number;
}

/** The workers of a Citus coordinator, or null when the server is plain PostgreSQL. */
export async function citusWorkers(sql: Sql): Promise<CitusNode[] | null> {
  const [ext] = await sql`select 1 from pg_extension where extname = 'citus'`;
  if (!ext) return null;
  const rows = await sql<{ host: string; port: number }[]>`
    select nodename as host, nodeport as port from pg_dist_node where groupid <> 0 and noderole = 'primary' order by nodeport`;
  return rows;
}

/** Creates `name` on the server of `serverUrl` (every node of a Citus cluster); returns its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const url = withDatabase(serverUrl, name);
  const workers = await once(serverUrl, async (admin) => {
    await admin.unsafe(`create database "${name}"`);
    return citusWorkers(admin);
  });
  if (!workers) return url;
  const coordinator = new URL(serverUrl);
  for (const w of workers) {
    await once(withDatabase(serverUrl, 'postgres', w.host, w.port), (s) =>
      s.unsafe(`create database "${name}"`),
    );
    await once(withDatabase(serverUrl, name, w.host, w.port), (s) => s`create extension if not exists citus`);
  }
  await once(url, async (s) => {
    await s`create extension if not exists citus`;
    await s`select citus_set_coordinator_host(${coordinator.hostname}, ${Number(coordinator.port || 5432)})`;
    for (const w of workers) await s`select citus_add_node(${w.host}, ${w.port})`;
  });
  return url;
}

/** Drops `name` (on every node of a Citus cluster). */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const workers = await once(serverUrl, async (admin) => {
    const nodes = await citusWorkers(admin);
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    return nodes;
  });
  for (const w of workers ?? []) {
    await once(withDatabase(serverUrl, 'postgres', w.host, w.port), (s) =>
      s.unsafe(`drop database if exists "${name}" with (force)`),
    );
  }
}
