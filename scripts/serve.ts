// `npm start` / `npm run dev`: resolves the database (embedded by default),
// migrates it, seeds demo data into a new embedded cluster, builds the app when
// the build is missing or stale, then runs Next.js and stops everything in
// reverse order on SIGINT/SIGTERM.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  connectChecked,
  PROJECT_ROOT,
  removeRuntimeFile,
  resolveDatabase,
  writeRuntimeFile,
} from '../db/connect';
import { isEmpty, seedDemo } from '../db/demo/seed';
import { seedDemoUsers } from '../db/demo/users';
import { startSimulator } from '../db/demo/simulator';
import { migrate } from '../db/migrate';
import { serverNode } from './server-node';

const dev = process.argv.includes('--dev');
const port = Number(process.env.PORT ?? 3000);
const log = (line: string) => console.log(`[ttfs] ${line}`);

const NEXT_BIN = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'next');
const SOURCES = [
  'app',
  'components',
  'lib',
  'public',
  'next.config.mjs',
  'package.json',
  'package-lock.json',
  'postcss.config.mjs',
  'tsconfig.json',
  'instrumentation.ts',
  'proxy.ts',
];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce(
    (max, name) => Math.max(max, newestMtime(path.join(entry, name))),
    stat.mtimeMs,
  );
}

function buildIfStale() {
  const buildId = path.join(PROJECT_ROOT, process.env.NEXT_DIST_DIR ?? '.next', 'BUILD_ID');
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const changed = Math.max(...SOURCES.map((s) => newestMtime(path.join(PROJECT_ROOT, s))));
  if (built && built >= changed) return;
  log(built ? 'sources changed since the last build: building' : 'no build yet: building (about a minute)');
  const result = spawnSync(NEXT_BIN, ['build'], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) {
    console.error('[ttfs] the build failed; see the output above');
    process.exit(1);
  }
}

async function main() {
  let database;
  try {
    database = await resolveDatabase();
  } catch (error) {
    console.error(`[ttfs] ${(error as Error).message}`);
    process.exit(1);
  }
  const { url, embedded } = database;
  let sql;
  try {
    sql = await connectChecked(url, { max: 4 });
  } catch (error) {
    console.error(`[ttfs] ${(error as Error).message}`);
    await embedded?.stop();
    process.exit(1);
  }
  log(
    embedded
      ? `embedded PostgreSQL on 127.0.0.1:${embedded.port} (data in ${process.env.TTFS_DATA_DIR ?? '.data/pg'})`
      : 'using DATABASE_URL',
  );
  await migrate(sql, { log });

  const demo = embedded !== null || process.env.TTFS_DEMO === '1';
  if (embedded && process.env.TTFS_DEMO_SEED !== '0' && (await isEmpty(sql))) {
    log('empty database: loading demo data');
    await seedDemo(sql, log);
  }
  // Demo users (admin, support, sre) sign in with passwords only in demo mode.
  const demoUsers = embedded !== null || process.env.TTFS_DEMO_USERS === '1';
  if (demoUsers) await seedDemoUsers(sql);
  if (embedded) writeRuntimeFile(url);
  const simulator = demo && process.env.TTFS_DEMO_LIVE !== '0' ? startSimulator(sql, { log }) : null;
  if (simulator) log('live demo simulator on (TTFS_DEMO_LIVE=0 turns it off)');

  if (!dev) buildIfStale();
  // Production: Next.js behind the machine lane (scripts/http-server.ts). Dev:
  // plain `next dev`, where the route handlers answer every request.
  const command = dev ? NEXT_BIN : serverNode(PROJECT_ROOT);
  // A larger young generation: each request allocates a little and keeps
  // nothing, so fewer, cheaper scavenges (less CPU and shorter pauses under load).
  const args = dev
    ? ['dev', '-p', String(port)]
    : ['--max-semi-space-size=32', '--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'http-server.ts')];
  const next: ChildProcess = spawn(command, args, {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      DATABASE_URL: url,
      TTFS_EMBEDDED: embedded ? '1' : '0',
      TTFS_DEMO: demo ? '1' : '0',
      TTFS_DEMO_USERS: demoUsers ? '1' : '0',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      ...(dev ? {} : { NODE_ENV: 'production' }),
    },
  });
  log(`console at http://localhost:${port}`);

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    simulator?.stop();
    if (next.exitCode === null) {
      next.kill('SIGTERM');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          next.kill('SIGKILL');
          resolve();
        }, 15000);
        next.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await sql.end({ timeout: 5 });
    removeRuntimeFile();
    // The database stops last, once nothing can write to it any more.
    await embedded?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  next.on('exit', (code) => void shutdown(code ?? 0));
}

void main();
