// Shared by the auth e2e specs: the e2e server's embedded database (for ids of
// demo rows) and the routes present in app/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';

const port = Number(process.env.E2E_PORT ?? 3100);

/** A client of the database the e2e server runs on (see playwright.config.ts). */
export function e2eSql() {
  const runtime = JSON.parse(readFileSync(path.join(`.data/e2e-${port}`, 'runtime.json'), 'utf8')) as {
    url: string;
  };
  return postgres(runtime.url, { max: 2, onnotice: () => {} });
}

export const TENANTS = {
  acme: '11111111-1111-4111-8111-111111111111',
  globex: '22222222-2222-4222-8222-222222222222',
} as const;
