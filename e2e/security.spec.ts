// Protections that only the running server shows: redirects after sign-in,
// headers on static files and 404 pages, and what anonymous callers learn
// from the health endpoint. The rest is in tests/integration/tenant-walls.test.ts.
import { expect, signIn, test } from './fixtures';

test.describe('signed out', () => {
  test.use({ signedInAs: null });

  for (const next of ['/\t/evil.example/phish', '/\n/evil.example', '/\\evil.example']) {
    test(`sign-in with next=${JSON.stringify(next)} renders and then stays on this origin`, async ({
      page,
      baseURL,
    }) => {
      const response = await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
      expect(response?.status()).toBe(200);
      await page.getByTestId('demo-user-sre').click();
      await page.getByTestId('sign-in-submit').click();
      await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
      expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
    });
  }

  test('signing out elsewhere ends an open page’s live stream, and the page goes to sign-in', async ({
    page,
  }) => {
    await signIn(page, 'support');
    await page.goto('/jobs');
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
    // The same session signs out from another tab (same cookies, same origin).
    const out = await page.request.post('/api/auth/sign-out', { maxRedirects: 0 });
    expect(out.status()).toBe(303);
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fjobs/, { timeout: 10_000 });
  });

  test('anonymous health shows the status only', async ({ request }) => {
    const response = await request.get('/api/health');
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: { status: 'up' } });
  });
});

// Signed in (as the demo admin): an unknown page is a 404, not a redirect to sign-in.
test('static files and 404 pages carry the security headers', async ({ request }) => {
  const html = await (await request.get('/sign-in')).text();
  const asset = /\/_next\/static\/[^"']+\.(?:js|css)/.exec(html)?.[0];
  expect(asset).toBeTruthy();
  const notFound = await request.get(`/no-such-page-${Date.now()}`);
  expect(notFound.status()).toBe(404);
  for (const response of [await request.get(asset!), notFound]) {
    const headers = response.headers();
    expect(headers['x-content-type-options'], response.url()).toBe('nosniff');
    expect(headers['x-frame-options'], response.url()).toBe('DENY');
    expect(headers['referrer-policy'], response.url()).toBe('strict-origin-when-cross-origin');
  }
  expect(notFound.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
});
