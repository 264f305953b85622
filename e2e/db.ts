import { readFileSync } from 'node:fs';
import postgres from 'postgres';

/**
 * The URL of the database of the app under test: E2E_DATABASE_URL, else the
 * webServer's embedded one, found through the runtime file it writes.
 */
export function appDatabaseUrl(): string {
  const port = process.env.E2E_PORT ?? '3100';
  return (
    process.env.E2E_DATABASE_URL ??
    (JSON.parse(readFileSync(`.data/e2e-${port}/runtime.json`, 'utf8')) as { url: string }).url
  );
}

/** A client of the database of the app under test, for tests that play the scheduler. */
export function appDatabase() {
  return postgres(appDatabaseUrl(), { max: 2, onnotice: () => {} });
}
