import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pinnedNodePackage } from '../scripts/server-node';
import { attachScreenshot, expect, test } from './fixtures';

test('the health endpoint reports the embedded database', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.database.status).toBe('up');
  expect(typeof body.database.roundTripMs).toBe('number');
});

test('the app server runs on the Node.js version package.json pins', async ({ request }) => {
  // The expected version comes from the declaration, not from the Node running
  // this test: in CI npm runs the tests on the pinned Node too, and a version
  // read from the running process would match whatever the server ran on.
  const installed = pinnedNodePackage(process.cwd());
  const declared = (
    JSON.parse(readFileSync('package.json', 'utf8')) as { optionalDependencies?: Record<string, string> }
  ).optionalDependencies?.[path.basename(installed)];
  test.skip(
    !declared || !existsSync(installed),
    `no pinned Node.js for ${process.platform}-${process.arch}: the server runs on the Node running npm`,
  );
  const body = await (await request.get('/api/health')).json();
  expect(body.process.node).toBe(`v${declared}`);
});

test('the shell renders and navigation reaches every page', async ({ page, shell }, testInfo) => {
  await page.goto('/');
  await expect(page.getByTestId('brand')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
  await attachScreenshot(page, testInfo, 'overview');

  await shell.nav('jobs').click();
  await expect(page).toHaveURL(/\/jobs$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();
  await expect(page.getByTestId('kind-badge').first()).toBeVisible();
  await attachScreenshot(page, testInfo, 'jobs');

  await shell.nav('signatures').click();
  await expect(page).toHaveURL(/\/signatures$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Failure signatures' })).toBeVisible();
  await attachScreenshot(page, testInfo, 'signatures');

  await shell.nav('overview').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(shell.nav('overview')).toHaveAttribute('aria-current', 'page');
});

test('the tenant switcher scopes pages through the URL and survives navigation', async ({ page, shell }) => {
  await page.goto('/jobs');
  const options = await shell.tenantSwitcher().locator('option').allTextContents();
  expect(options).toEqual(['All tenants', 'Acme Registry', 'Globex Cloud', 'Initech CI']);
  await shell.tenantSwitcher().selectOption({ label: 'Globex Cloud' });
  await expect(page).toHaveURL(/tenant=globex/);
  await shell.nav('signatures').click();
  await expect(page).toHaveURL(/\/signatures\?tenant=globex/);
  await expect(shell.tenantSwitcher()).toHaveValue('globex');
});

test('dark mode applies at once and persists across reloads', async ({ page, shell }, testInfo) => {
  await page.goto('/');
  await shell.theme('dark');
  await expect(page.locator('html')).toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await attachScreenshot(page, testInfo, 'overview-dark');
  await shell.theme('light');
  await expect(page.locator('html')).not.toHaveClass(/dark/);
});

test('the layout works on a phone', async ({ page, shell }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/jobs');
  await expect(shell.nav('overview')).toBeVisible();
  await expect(shell.tenantSwitcher()).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await attachScreenshot(page, testInfo, 'jobs-phone');
});
