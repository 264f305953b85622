// Resolves which PostgreSQL the process talks to: DATABASE_URL when set,
// otherwise an embedded server with its data in TTFS_DATA_DIR (default .data/pg).
import { mkdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { startEmbedded, type EmbeddedServer } from './embedded';

export const PROJECT_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const DATA_DIR = path.resolve(PROJECT_ROOT, process.env.TTFS_DATA_DIR ?? '.data/pg');
// Where a running app records its embedded database, so benchmarks and
// `npm run demo:seed` find it without flags.
export const RUNTIME_FILE = path.join(path.dirname(DATA_DIR), 'runtime.json');

export interface ResolvedDatabase {
  url: string;
  embedded: EmbeddedServer | null;
}

export async function resolveDatabase(): Promise<ResolvedDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) return { url, embedded: null };
  const embedded = await startEmbedded({ dataDir: DATA_DIR, log: process.env.TTFS_PG_LOG === '1' });
  return { url: embedded.url, embedded };
}

/** The database of a running app (embedded or not), else DATABASE_URL. */
export function runningDatabaseUrl(): string | null {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (!existsSync(RUNTIME_FILE)) return null;
  try {
    const runtime = JSON.parse(readFileSync(RUNTIME_FILE, 'utf8')) as { url: string; pid: number };
    process.kill(runtime.pid, 0);
    return runtime.url;
  } catch {
    return null;
  }
}

export function writeRuntimeFile(url: string) {
  mkdirSync(path.dirname(RUNTIME_FILE), { recursive: true });
  writeFileSync(RUNTIME_FILE, JSON.stringify({ url, pid: process.pid }, null, 2));
}

export function removeRuntimeFile() {
  rmSync(RUNTIME_FILE, { force: true });
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** One readable line that says what to fix, instead of a stack trace. */
export function describeConnectionError(error: unknown, url: string): string {
  const e = error as { code?: string; message?: string };
  const where = redactUrl(url);
  switch (e.code) {
    case 'ECONNREFUSED':
      return `Cannot connect to PostgreSQL at ${where}: connection refused. Is the server running on that host and port? Fix DATABASE_URL or unset it to use the embedded database.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot resolve the database host in ${where}. Fix the host name in DATABASE_URL.`;
    case 'ETIMEDOUT':
    case 'CONNECT_TIMEOUT':
      return `Timed out connecting to PostgreSQL at ${where}. Check the host, port and firewall in DATABASE_URL.`;
    case '28P01':
    case '28000':
      return `PostgreSQL rejected the credentials in ${where}. Fix the user or password in DATABASE_URL.`;
    case '3D000':
      return `The database named in ${where} does not exist. Create it (createdb) or fix DATABASE_URL.`;
    default:
      if (e.message?.includes('Invalid URL') || e.code === 'ERR_INVALID_URL')
        return `DATABASE_URL is not a valid postgres:// URL. Expected postgres://user:password@host:5432/database.`;
      return `Cannot use PostgreSQL at ${where}: ${e.message ?? String(error)}`;
  }
}

/** Opens a client and proves the server answers; throws a readable Error otherwise. */
export async function connectChecked(
  url: string,
  options: postgres.Options<Record<string, postgres.PostgresType>> = {},
) {
  let sql: postgres.Sql;
  try {
    sql = postgres(url, { onnotice: () => {}, connect_timeout: 10, ...options });
  } catch (error) {
    throw new Error(describeConnectionError(error, url));
  }
  try {
    await sql`select 1`;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw new Error(describeConnectionError(error, url));
  }
  return sql;
}

/**
 * Runs a command-line task against the right database: the running app's
 * (when `preferRunning`), else DATABASE_URL, else the embedded one (started
 * and stopped around the task). Failures print one line and exit 1.
 */
export function runWithDatabase(
  task: (sql: postgres.Sql) => Promise<void>,
  options: { preferRunning?: boolean; max?: number } = {},
) {
  const main = async () => {
    const running = options.preferRunning ? runningDatabaseUrl() : null;
    const { url, embedded } = running ? { url: running, embedded: null } : await resolveDatabase();
    try {
      const sql = await connectChecked(url, { max: options.max ?? 2 });
      try {
        await task(sql);
      } finally {
        await sql.end();
      }
    } finally {
      await embedded?.stop();
    }
  };
  main().catch((error) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
