import 'server-only';
import postgres from 'postgres';

// One pool per server process. Kept on globalThis so `next dev` hot reloads do
// not open a new pool on every edit.
const globalForDb = globalThis as unknown as { ttfsSql?: postgres.Sql };

function createClient() {
  return postgres(process.env.DATABASE_URL ?? '', {
    max: Number(process.env.TTFS_DB_POOL ?? 10),
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: 'ttfs-console' },
  });
}

export const sql = (globalForDb.ttfsSql ??= createClient());
