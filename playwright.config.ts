import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium where it is installed (browser downloads are not possible
// everywhere); otherwise Playwright's own browser. CHROMIUM_PATH overrides.
const executablePath =
  process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const port = Number(process.env.E2E_PORT ?? 3100);
const E2E_DATA_DIR = `.data/e2e-${port}`;

export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    ['html', { open: 'never' }],
    ['json', { outputFile: `.data/reports/e2e${process.env.E2E_DATABASE_URL ? '-external' : ''}.json` }],
  ],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    // A fresh embedded database with demo data; the simulator stays off so the
    // tests decide every change they look for. E2E_DATABASE_URL runs the app on
    // that database instead (CI's Citus run: migrated and seeded beforehand).
    command: `rm -rf ${E2E_DATA_DIR} && node_modules/.bin/tsx scripts/serve.ts`,
    url: `http://localhost:${port}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      TTFS_DATA_DIR: `${E2E_DATA_DIR}/pg`,
      TTFS_DEMO_LIVE: '0',
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? '',
      ...(process.env.E2E_DATABASE_URL ? { TTFS_DEMO_USERS: '1' } : {}),
    },
  },
});
