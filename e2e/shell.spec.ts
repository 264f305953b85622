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

test('the app server runs on the pinned Node.js where npm installed it, else on the Node running npm', async ({
  request,
}) => {
  const pinned = path.join(pinnedNodePackage(process.cwd()), 'package.json');
  const expected = existsSync(pinned)
    ? `v${(JSON.parse(readFileSync(pinned, 'utf8')) as { version: string }).version}`
    : process.version;
  const body = await (await request.get('/api/health')).json();
  expect(body.process.node).toBe(expected);
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
