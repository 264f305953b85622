// Every page of the console, in the light and the dark theme, has no serious or
// critical axe finding once its main content is drawn; the skip link works.
import { expectNoSeriousA11yViolations } from './axe';
import { appDatabase } from './db';
import { expect, test, type DemoUser } from './fixtures';

const THEMES = ['light', 'dark'] as const;

async function ids() {
  const sql = appDatabase();
  try {
    const [job] = await sql<[{ job_id: string }]>`
      select job_id from scheduler.first_signal_snapshots order by updated_at desc limit 1`;
    const [signature] = await sql<[{ id: string }]>`
      select id from scheduler.failure_signatures order by created_at limit 1`;
    return { job: job.job_id, signature: signature.id };
  } finally {
    await sql.end();
  }
}

interface PageCase {
  name: string;
  path: (found: { job: string; signature: string }) => string;
  as?: DemoUser | null;
}

const PAGES: PageCase[] = [
  { name: 'overview (24 h)', path: () => '/' },
  { name: 'overview (last 60 minutes)', path: () => '/?range=1h' },
  { name: 'overview (90 days, split by cache)', path: () => '/?range=90d&split=cache' },
  { name: 'overview as a viewer', path: () => '/', as: 'sre' },
  { name: 'jobs', path: () => '/jobs' },
  { name: 'job', path: (f) => `/jobs/${f.job}` },
  { name: 'signatures', path: () => '/signatures' },
  { name: 'new signature', path: () => '/signatures/new' },
  { name: 'signature', path: (f) => `/signatures/${f.signature}` },
  { name: 'tokens', path: () => '/admin/tokens' },
  { name: 'retention', path: () => '/admin/retention' },
  { name: 'command line', path: () => '/cli' },
  { name: 'command line as support', path: () => '/cli', as: 'support' },
  { name: 'runbook', path: () => '/runbooks/rate-limits' },
  { name: 'not allowed', path: () => '/forbidden' },
  { name: 'not found', path: () => '/no-such-page' },
  { name: 'sign-in', path: () => '/sign-in', as: null },
];

let found: { job: string; signature: string };
test.beforeAll(async () => {
  found = await ids();
});

for (const theme of THEMES) {
  test.describe(`${theme} theme`, () => {
    for (const pageCase of PAGES) {
      test.describe(pageCase.name, () => {
        if (pageCase.as !== undefined) test.use({ signedInAs: pageCase.as });
        test(`${pageCase.name} has no serious or critical axe finding`, async ({ page, baseURL }) => {
          await page.context().addCookies([{ name: 'ttfs-theme', value: theme, url: baseURL! }]);
          await page.goto(pageCase.path(found));
          await expect(page.locator('html')).toHaveAttribute('data-main-content', /.+/);
          if (theme === 'dark') await expect(page.locator('html')).toHaveClass(/dark/);
          else await expect(page.locator('html')).not.toHaveClass(/dark/);
          await expectNoSeriousA11yViolations(page);
        });
      });
    }
  });
}

test('the skip link is the first stop of the keyboard and moves focus to the main content', async ({
  page,
}) => {
  await page.goto('/jobs');
  await page.keyboard.press('Tab');
  const skip = page.getByTestId('skip-link');
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('main#main')).toBeFocused();
});
