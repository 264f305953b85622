import type { Page } from '@playwright/test';
import { attachScreenshot, expect, signIn, test, type DemoUser } from './fixtures';
import { TENANTS } from './auth-helpers';
import { appDatabase } from './db';

// Navigation each demo user must see: exactly these links, in this order.
const NAV: Record<DemoUser, string[]> = {
  admin: ['Overview', 'Jobs', 'CLI', 'Signatures', 'Tokens', 'Retention'],
  support: ['Overview', 'Jobs', 'CLI'],
  sre: ['Overview'],
};
const ROLE: Record<DemoUser, string> = { admin: 'admin', support: 'support', sre: 'viewer' };

async function navLabels(page: Page) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
}

test.describe('signed out', () => {
  test.use({ signedInAs: null });

  test('pages send people to sign-in, which shows the demo credentials', async ({ page }, testInfo) => {
    const response = await page.goto('/jobs?tenant=acme');
    expect(response?.url()).toContain('/sign-in?next=%2Fjobs%3Ftenant%3Dacme');
    await expect(page.getByTestId('demo-users')).toContainText('admin-demo');
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
    await attachScreenshot(page, testInfo, 'sign-in');
  });

  for (const who of ['admin', 'support', 'sre'] as const) {
    test(`${who} signs in through the form and sees exactly the ${ROLE[who]} navigation`, async ({
      page,
    }) => {
      await page.goto('/sign-in');
      await page.getByTestId(`demo-user-${who}`).click();
      await page.getByTestId('sign-in-submit').click();
      await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
      await expect(page.getByTestId('viewer')).toContainText(ROLE[who]);
      expect(await navLabels(page)).toEqual(NAV[who]);
      // The server refuses what the navigation hides.
      for (const [path, label] of [
        ['/jobs', 'Jobs'],
        ['/signatures', 'Signatures'],
        ['/admin/tokens', 'Tokens'],
      ] as const) {
        const response = await page.request.get(path, { maxRedirects: 0 });
        expect(response.status(), `${who} ${path}`).toBe(NAV[who].includes(label) ? 200 : 403);
      }
      await page.getByTestId('sign-out').click();
      await expect(page.getByTestId('signed-out')).toBeVisible();
      await page.goto('/');
      await expect(page).toHaveURL(/\/sign-in/);
    });
  }

  test('a wrong password is refused inline', async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByTestId('sign-in-username').fill('sre');
    await page.getByTestId('sign-in-password').fill('not-the-password');
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('sign-in-error')).toContainText('Wrong user name or password');
  });

  test('the forbidden page renders with status 403 for a too-low role', async ({ page }, testInfo) => {
    await signIn(page, 'sre');
    const response = await page.goto('/signatures');
    expect(response?.status()).toBe(403);
    await expect(page.getByTestId('forbidden')).toBeVisible();
    await attachScreenshot(page, testInfo, 'forbidden');
  });
});

test.describe('tenant isolation', () => {
  test.use({ signedInAs: 'support' });

  test('a user of tenant Acme sees only Acme and cannot open a Globex job by URL', async ({
    page,
    request,
    shell,
  }) => {
    const sql = appDatabase();
    try {
      const [globexJob] = await sql<
        { job_id: string }[]
      >`select job_id from scheduler.first_signal_snapshots where tenant_id = ${TENANTS.globex} limit 1`;
      const [acmeJob] = await sql<
        { job_id: string }[]
      >`select job_id from scheduler.first_signal_snapshots where tenant_id = ${TENANTS.acme} limit 1`;
      await page.goto('/jobs?tenant=globex');
      // One tenant: its name, no switcher and no "All tenants" that would mean the same.
      await expect(shell.tenantSwitcher()).toHaveCount(0);
      await expect(page.getByTestId('tenant-single')).toHaveText(/Acme Registry/);
      const hrefs = await page
        .getByTestId('jobs-table')
        .locator('a')
        .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      expect(hrefs.length).toBeGreaterThan(0);
      const shown = hrefs.map((h) => h!.split('/').pop()!.split('?')[0]!);
      const tenants = await sql<
        { tenant_id: string }[]
      >`select distinct tenant_id from scheduler.first_signal_snapshots where job_id = any(${shown}::uuid[])`;
      expect(tenants.map((t: { tenant_id: string }) => t.tenant_id)).toEqual([TENANTS.acme]);

      // The job page and the signal API answer 404 for another tenant's job.
      expect((await request.get(`/jobs/${acmeJob!.job_id}`)).status()).toBe(200);
      const response = await page.goto(`/jobs/${globexJob!.job_id}`);
      expect(response?.status()).toBe(404);
      await expect(page.locator('body')).not.toContainText(globexJob!.job_id);
      expect((await request.get(`/api/v1/jobs/${acmeJob!.job_id}/signal`)).status()).toBe(200);
      expect((await request.get(`/api/v1/jobs/${globexJob!.job_id}/signal`)).status()).toBe(404);
    } finally {
      await sql.end();
    }
  });
});

test.describe('API tokens page', () => {
  test('an admin creates a token, sees it once, it authenticates, shows last use, and revocation stops it at once', async ({
    page,
    playwright,
    baseURL,
  }, testInfo) => {
    await page.goto('/admin/tokens');
    await page.getByTestId('token-name').fill(`e2e ${Date.now()}`);
    await page.getByTestId('token-tenant').selectOption({ label: 'Globex Cloud' });
    await page.getByTestId('token-scope-signals:read').check();
    await page.getByTestId('token-create').click();
    const secret = (await page.getByTestId('token-secret').textContent())!.trim();
    expect(secret).toMatch(/^ttfs_/);
    // The form is cleared for the next token.
    await expect(page.getByTestId('token-name')).toHaveValue('');
    await attachScreenshot(page, testInfo, 'token-created');

    // No cookies: the test runner would otherwise hand this context the admin's session.
    const machine = await playwright.request.newContext({
      baseURL,
      storageState: { cookies: [], origins: [] },
      extraHTTPHeaders: { authorization: `Bearer ${secret}` },
    });
    try {
      const me = await machine.get('/api/auth/me');
      expect(me.status()).toBe(200);
      expect(await me.json()).toMatchObject({
        kind: 'token',
        tenants: [TENANTS.globex],
        scopes: ['signals:read'],
      });
      // Tokens are for the API: pages treat them as signed out.
      expect((await machine.get('/', { maxRedirects: 0 })).status()).toBe(307);

      await page.reload();
      await expect(page.getByTestId('token-secret')).toHaveCount(0);
      await expect(page.locator('body')).not.toContainText(secret);
      const row = page.getByTestId('token-row').filter({ hasText: secret.slice(0, 12) });
      await expect(row.getByTestId('token-last-used')).not.toHaveText('never');

      page.once('dialog', (dialog) => void dialog.accept());
      await row.getByRole('button', { name: 'Revoke' }).click();
      await expect(row.getByTestId('token-revoked')).toBeVisible();
      expect((await machine.get('/api/auth/me')).status()).toBe(401);
    } finally {
      await machine.dispose();
    }
  });
});

test.describe('hardening', () => {
  test('pages carry a nonce CSP without inline scripts, and run under it', async ({ page }) => {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto('/');
    const headers = response!.headers();
    const csp = headers['content-security-policy']!;
    const script = csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('script-src'))!;
    expect(script).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
    expect(script).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['x-frame-options']).toBe('DENY');
    // Hydrated client code works under the policy (the theme toggle is a client component).
    await page.getByTestId('theme-dark').click();
    await expect(page.locator('html')).toHaveClass(/dark/);
    const again = await page.goto('/');
    expect(again!.headers()['content-security-policy']).not.toBe(csp);
    expect(violations).toEqual([]);
  });

  test('cookie requests that change state from another origin are refused', async ({ request }) => {
    const data = { name: 'csrf', tenantId: TENANTS.acme, scopes: ['signals:read'] };
    const forged = await request.post('/api/v1/tokens', {
      data,
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(forged.status()).toBe(403);
    const sameOrigin = await request.post('/api/v1/tokens', {
      data,
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(sameOrigin.status()).toBe(201);
  });
});
