import { test as base, expect, type Page, type TestInfo } from '@playwright/test';

export class Shell {
  constructor(readonly page: Page) {}
  nav(name: 'overview' | 'jobs' | 'signatures') {
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

export const test = base.extend<{ shell: Shell }>({
  shell: async ({ page }, use) => {
    await use(new Shell(page));
  },
});

export { expect };
