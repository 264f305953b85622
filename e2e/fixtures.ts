// Signing in: every test starts signed in as the demo admin (a session made
// once per worker and reused as Playwright storage state), so pages and the
// `request` fixture work as before sign-in existed. Pick another role per file
// or describe block with `test.use({ signedInAs: 'support' })` ('admin',
// 'support', 'sre' = viewer role), or `test.use({ signedInAs: null })` to start
// signed out. Tests that sign out must start signed out (`null`) and sign in
// with `signIn(page, who)`, because the shared session would end for the
// other tests of the worker. Demo users: db/demo/users.ts.
import { test as base, expect, type APIRequestContext, type Page, type TestInfo } from '@playwright/test';

type StorageState = Awaited<ReturnType<APIRequestContext['storageState']>>;

export class Shell {
  constructor(readonly page: Page) {}
  nav(name: 'overview' | 'jobs' | 'signatures' | 'tokens') {
    return this.page.getByTestId(`nav-${name}`);
  }
  tenantSwitcher() {
    return this.page.getByTestId('tenant-switcher');
  }
  async theme(name: 'light' | 'dark' | 'system') {
    await this.page.getByTestId(`theme-${name}`).click();
  }
}

/** Attaches a full-page screenshot to the test report. */
export async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
}

export type DemoUser = 'admin' | 'support' | 'sre';
export const DEMO_PASSWORDS: Record<DemoUser, string> = {
  admin: 'admin-demo',
  support: 'support-demo',
  sre: 'sre-demo',
};

/** Signs the page's browser context in as a demo user (a new session of its own). */
export async function signIn(page: Page, who: DemoUser) {
  const response = await page.request.post('/api/auth/sign-in', {
    data: { username: who, password: DEMO_PASSWORDS[who] },
  });
  expect(response.status(), `sign-in as ${who}`).toBe(200);
}

export const test = base.extend<
  { shell: Shell; signedInAs: DemoUser | null },
  { sessionStates: (who: DemoUser) => Promise<StorageState> }
>({
  signedInAs: ['admin', { option: true }],
  sessionStates: [
    async ({ playwright }, use, workerInfo) => {
      const cache = new Map<DemoUser, Promise<StorageState>>();
      const baseURL = workerInfo.project.use.baseURL;
      await use((who) => {
        if (!cache.has(who)) {
          cache.set(
            who,
            (async () => {
              const context = await playwright.request.newContext({ baseURL });
              const response = await context.post('/api/auth/sign-in', {
                data: { username: who, password: DEMO_PASSWORDS[who] },
              });
              if (response.status() !== 200)
                throw new Error(
                  `demo sign-in as ${who} failed: ${response.status()} ${await response.text()}`,
                );
              const state = await context.storageState();
              await context.dispose();
              return state;
            })(),
          );
        }
        return cache.get(who)!;
      });
    },
    { scope: 'worker' },
  ],
  storageState: async ({ signedInAs, sessionStates }, use) => {
    await use(signedInAs ? await sessionStates(signedInAs) : undefined);
  },
  // The API client shares the test's sign-in (Playwright's default one does not).
  request: async ({ playwright, baseURL, storageState }, use) => {
    const context = await playwright.request.newContext({ baseURL, storageState });
    await use(context);
    await context.dispose();
  },
  shell: async ({ page }, use) => {
    await use(new Shell(page));
  },
});

export { expect };
