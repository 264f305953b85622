import { readFileSync } from 'node:fs';
import postgres from 'postgres';

/**
 * The database of the app under test (E2E_DATABASE_URL, else the webServer's
 * embedded one, found through the runtime file it writes), for tests that play
 * the scheduler.
 */
export function appDatabase() {
  const port = process.env.E2E_PORT ?? '3100';
  const url =
    process.env.E2E_DATABASE_URL ??
    (JSON.parse(readFileSync(`.data/e2e-${port}/runtime.json`, 'utf8')) as { url: string }).url;
  return postgres(url, { max: 2, onnotice: () => {} });
}
