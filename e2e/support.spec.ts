import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { appDatabase } from './db';
import { attachScreenshot, expect, test } from './fixtures';
import { JobPage, JobsPage } from './pages/jobs';

const ACME = '11111111-1111-4111-8111-111111111111';
const sql = appDatabase();
test.afterAll(() => sql.end());

const upsert = (
  job: string,
  kind: string,
  phase: string,
  summary: string,
  diagnostics: object = {},
  eta: number | null = 120,
) =>
  sql`select scheduler.upsert_first_signal_snapshot(${job}, ${ACME}, null, ${kind}, ${phase}, ${summary}, ${eta}, null, null, ${sql.json(diagnostics as never)})`;

/** Collects console errors and uncaught page errors (a hydration mismatch is one). */
function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

async function expectNoSideways(page: Page) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, 'page width beyond the viewport').toBeLessThanOrEqual(client);
}

async function expectAxeClean(page: Page, testInfo: TestInfo, name: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (serious.length)
    await testInfo.attach(`axe-${name}`, {
      body: JSON.stringify(serious, null, 2),
      contentType: 'application/json',
    });
  expect(
    serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe on ${name}`,
  ).toEqual([]);
}

test.describe('support pages', () => {
  test('the job page: header facts, phase timeline with times, ETA only while running, no console errors', async ({
    page,
  }, testInfo) => {
    const errors = watchErrors(page);
    const job = randomUUID();
    const image = 'docker.io/library/nginx:1.27';
    await upsert(job, 'queued', 'unknown', 'Queued at position 2', { image_reference: image });
    await upsert(job, 'started', 'resolve', 'Picked up', { image_reference: image, worker_id: 'worker-7' });
    await upsert(job, 'phase', 'fetch', 'Running fetch', { image_reference: image, worker_id: 'worker-7' });
    const jobPage = new JobPage(page);
    await jobPage.goto(job);
    await expect(jobPage.live()).toHaveAttribute('data-state', 'live');
    await expect(page.getByTestId('fact-image')).toHaveText(image);
    await expect(page.getByTestId('fact-worker')).toHaveText('worker-7');
    await expect(page.getByTestId('fact-eta')).toBeVisible();
    await expect(page.getByTestId('fact-source')).toHaveText('Live snapshot');
    await expect(page.getByTestId('phase-step')).toHaveCount(3);
    await expect(page.getByTestId('phase-step').nth(1)).toContainText('resolve');
    await expect(page.getByTestId('phase-step').nth(1)).toContainText(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);

    // The failure arrives live: a new step, the error code, no ETA, a duration.
    await upsert(
      job,
      'failed',
      'fetch',
      'Failed in fetch with REGISTRY_RATE_LIMITED',
      {
        image_reference: image,
        worker_id: 'worker-7',
        error_code: 'REGISTRY_RATE_LIMITED',
      },
      null,
    );
    await expect(page.getByTestId('fact-error-code')).toHaveText('REGISTRY_RATE_LIMITED');
    await expect(page.getByTestId('phase-step')).toHaveCount(4);
    await expect(page.getByTestId('fact-eta')).toHaveCount(0);
    await expect(page.getByTestId('fact-duration')).toHaveText(/\d+ s|\d+ min/);
    // A matched signature's runbook is a real page; no retry is offered.
    const actions = page.getByTestId('next-actions').getByRole('link');
    await expect(actions).toHaveText(['Open runbook']);
    await attachScreenshot(page, testInfo, 'job-failed-1440');
    await expectAxeClean(page, testInfo, 'job page');
    await actions.first().click();
    await expect(page.getByTestId('runbook')).toContainText('Registry pull rate limits');
    expect(errors).toEqual([]);
  });

  test('a failed demo job says whose outcome it shows and has no ETA', async ({ page }) => {
    const errors = watchErrors(page);
    const [row] = await sql<{ job_id: string }[]>`
      select job_id from scheduler.first_signal_snapshots where kind = 'failed' and last_known_outcome is not null
        and tenant_id = ${ACME} limit 1`;
    await new JobPage(page).goto(row!.job_id);
    await expect(page.getByTestId('last-outcome')).toHaveText(
      /^(succeeded|failed)(, \d+ findings)?, finished \d{4}-/,
    );
    await expect(page.getByText('Previous run')).toBeVisible();
    await expect(page.getByTestId('fact-eta')).toHaveCount(0);
    await expect(page.getByTestId('phase-step').first()).toBeVisible();
    for (const link of await page.getByTestId('next-actions').getByRole('link').all()) {
      const href = (await link.getAttribute('href'))!;
      const response = await page.request.get(href);
      expect(response.status(), href).toBe(200);
    }
    expect(errors).toEqual([]);
  });

  test('the jobs list: columns, search by 8 characters, image and error code, live counts', async ({
    page,
  }, testInfo) => {
    const errors = watchErrors(page);
    const jobs = new JobsPage(page);
    const job = randomUUID();
    await upsert(job, 'failed', 'analyze', 'Failed in analyze with OOM_KILLED', {
      error_code: 'OOM_KILLED',
      image_reference: 'registry.acme.io/ml/giant:v3',
    });
    await jobs.goto(`?q=${job.slice(0, 8)}`);
    await expect(jobs.rows()).toHaveCount(1);
    await expect(jobs.row(job).getByTestId('job-image')).toHaveText('registry.acme.io/ml/giant:v3');
    await expect(jobs.row(job).getByTestId('job-error')).toHaveText('OOM_KILLED');
    await jobs.goto('?q=registry.acme.io/ml/giant');
    await expect(jobs.row(job)).toBeVisible();
    await jobs.goto('?q=oom_killed&tenant=acme');
    await expect(jobs.row(job)).toBeVisible();

    await jobs.goto('?tenant=acme');
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
    const queued = Number(await page.getByTestId('count-queued-n').textContent());
    await upsert(randomUUID(), 'queued', 'unknown', 'Counted live');
    await expect(page.getByTestId('count-queued-n')).toHaveText(String(queued + 1));
    await attachScreenshot(page, testInfo, 'jobs-1440');
    await expectAxeClean(page, testInfo, 'jobs');
    expect(errors).toEqual([]);
  });

  test('the jobs list offers a reconnect when the stream drops', async ({ page, request }) => {
    await new JobsPage(page).goto('?tenant=acme');
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
    await page.route('**/api/v1/stream/signals**', (route) => route.abort('connectionreset'));
    expect((await request.post('/api/v1/stream/signals/reset')).status()).toBe(200);
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await page.unroute('**/api/v1/stream/signals**');
    await page.getByTestId('offline-retry').click();
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
    await expect(page.getByTestId('offline-banner')).toBeHidden();
  });
});

test.describe('at 390 px', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('support and admin pages fit without sideways scrolling and log no errors', async ({
    page,
  }, testInfo) => {
    const errors = watchErrors(page);
    const [failed] = await sql<{ job_id: string }[]>`
      select job_id from scheduler.first_signal_snapshots where kind = 'failed' limit 1`;
    const [running] = await sql<{ job_id: string }[]>`
      select job_id from scheduler.first_signal_snapshots where kind = 'phase' limit 1`;
    for (const path of [
      '/jobs',
      `/jobs/${failed!.job_id}`,
      `/jobs/${running!.job_id}`,
      '/runbooks/rate-limits',
      '/signatures',
      '/admin/tokens',
      '/admin/retention',
      '/cli',
    ]) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
      await expectNoSideways(page);
      await attachScreenshot(page, testInfo, `390${path.replaceAll('/', '-')}`);
    }
    expect(errors).toEqual([]);
  });
});
