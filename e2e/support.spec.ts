import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page, TestInfo } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './axe';
import { appDatabase } from './db';
import { attachScreenshot, expect, test } from './fixtures';
import { JobPage, JobsPage } from './pages/jobs';

const ACME = '11111111-1111-4111-8111-111111111111';
const run = promisify(execFile);
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

/** A full-page screenshot in the report and in .data/screens/ to look at. */
async function shot(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: `.data/screens/${name}.png` });
  await attachScreenshot(page, testInfo, name);
}

/** Collects console errors and uncaught page errors (a hydration mismatch is one). */
function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  return errors;
}

async function expectNoSideways(page: Page) {
  const { scroll, client, wide } = await page.evaluate(() => {
    const client = document.documentElement.clientWidth;
    // The innermost elements reaching past the viewport, to say what overflows.
    const clipped = (e: Element) => {
      for (let p = e.parentElement; p; p = p.parentElement)
        if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
      return false;
    };
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > client + 0.5 && !clipped(e))
      .slice(-5)
      .map(
        (e) =>
          `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} (${Math.round(e.getBoundingClientRect().right)})`,
      );
    return { scroll: document.documentElement.scrollWidth, client, wide };
  });
  expect(scroll, `page width beyond the viewport on ${page.url()}: ${wide.join(', ')}`).toBeLessThanOrEqual(
    client,
  );
}

test.use({ viewport: { width: 1440, height: 900 } });

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
    await expect(page.getByTestId('fact-duration')).toHaveText(/^\d+(\.\d+)? (ms|s)$|\d+ min/);
    // A matched signature's runbook is a real page; no retry is offered.
    const actions = page.getByTestId('next-actions').getByRole('link');
    await expect(actions).toHaveText(['Open runbook']);
    await shot(page, testInfo, 'job-failed-1440');
    await expectNoSeriousA11yViolations(page);
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
    // Every demo job links to its run (db/demo/jobs.ts): there is at least one link to follow.
    const links = page.getByTestId('next-actions').getByRole('link');
    await expect(links.first()).toBeVisible();
    for (const link of await links.all()) {
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
    await shot(page, testInfo, 'jobs-1440');
    await expectNoSeriousA11yViolations(page);
    expect(errors).toEqual([]);
  });

  test('the jobs list offers a reconnect when the stream drops', async ({ page, request }) => {
    await new JobsPage(page).goto('?tenant=acme');
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
    // While the stream is down, each reconnect gets a stream that ends at once and asks for the
    // next attempt in an hour: the browser's own retry cannot win a race with the button.
    let ended = 0;
    await page.route('**/api/v1/stream/signals**', (route) => {
      ended++;
      return route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 3600000\n\n' });
    });
    expect((await request.post('/api/v1/stream/signals/reset')).status()).toBe(200);
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await expect.poll(() => ended).toBeGreaterThan(0);
    await page.unroute('**/api/v1/stream/signals**');
    await page.getByTestId('offline-retry').click();
    await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
    await expect(page.getByTestId('offline-banner')).toBeHidden();
  });
});

test.describe('admin pages', () => {
  test('retention: run now, next run, table sizes, and a drifted hour rebuilt', async ({
    page,
  }, testInfo) => {
    const errors = watchErrors(page);
    // Raw rows deleted outside retention leave the rollups of their hour counting them.
    const [hour] = await sql<{ hour: Date }[]>`
      select date_trunc('hour', ts) as hour from scheduler.ttfs_events
      where ts > now() - interval '40 hours' and ts < date_trunc('hour', now()) group by 1 order by 1 desc limit 1`;
    await sql`delete from scheduler.ttfs_events where id in (
      select id from scheduler.ttfs_events where date_trunc('hour', ts) = ${hour!.hour} limit 3)`;
    await page.goto('/admin/retention');
    await expect(page.getByTestId('table-size').first()).toBeVisible();
    await expect(page.getByTestId('retention-next')).toHaveText(/UTC|not scheduled|off/);
    await expect(
      page.locator('[data-testid="table-size"][data-table="scheduler.ttfs_events"]'),
    ).toContainText(/\d/);
    const drifted = page.locator(`[data-testid="drift-hour"][data-hour="${hour!.hour.toISOString()}"]`);
    await expect(drifted).toBeVisible();
    await shot(page, testInfo, 'retention-1440');
    await expectNoSeriousA11yViolations(page);
    await drifted.getByTestId('rebuild-hour').click();
    await expect(drifted).toHaveCount(0);
    await page.getByTestId('retention-run-now').click();
    await expect(page.getByTestId('retention-result')).toContainText('Done:');
    await expect(page.getByTestId('retention-run').first()).toContainText('manual');
    expect(errors).toEqual([]);
  });

  test('tokens: an expiry chosen at creation is shown; the CLI page mints a personal token', async ({
    page,
  }, testInfo) => {
    const errors = watchErrors(page);
    await page.goto('/admin/tokens');
    const name = `expiring-${randomUUID().slice(0, 6)}`;
    await page.getByTestId('token-name').fill(name);
    await page.getByTestId('token-expiry').selectOption('7');
    await page.getByTestId('token-scope-signals:read').check();
    await page.getByTestId('token-create').click();
    await expect(page.getByTestId('token-created')).toBeVisible();
    const row = page.getByTestId('token-row').filter({ hasText: name });
    const in7 = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
    await expect(row.getByTestId('token-expires')).toContainText(`expires ${in7}`);
    await expect(row.getByTestId('token-last-used')).toHaveText('never');
    await shot(page, testInfo, 'tokens-1440');
    await expectNoSeriousA11yViolations(page);

    await page.goto('/cli');
    await page.getByTestId('personal-token-expiry').selectOption('7');
    await page.getByTestId('personal-token-create').click();
    await expect(page.getByTestId('personal-token-secret')).toHaveText(/^ttfs_/);
    await expect(page.getByTestId('personal-token-row').first()).toContainText(`expires ${in7}`);
    await shot(page, testInfo, 'cli-1440');
    await expectNoSeriousA11yViolations(page);
    expect(errors).toEqual([]);
  });

  test('signatures: shared patterns grouped, expired shown as expired, a preview before saving', async ({
    page,
  }, testInfo) => {
    const errors = watchErrors(page);
    await page.goto('/signatures');
    await expect(page.getByTestId('signature-row').first()).toBeVisible();
    await expect(
      page
        .getByTestId('signature-group')
        .filter({ hasText: /shared by \d tenants/ })
        .first(),
    ).toBeVisible();
    await shot(page, testInfo, 'signatures-1440');
    await expectNoSeriousA11yViolations(page);
    await page.goto('/signatures?status=expired');
    const statuses = page.getByTestId('signature-status');
    await expect(statuses.first()).toHaveText('expired');
    for (const status of await statuses.allTextContents()) expect(status).toBe('expired');

    await page.goto('/signatures/new');
    await page.getByTestId('field-error-code').fill('REGISTRY_RATE_LIMITED');
    await page.getByTestId('field-mttr-p50').fill('2');
    await page.getByTestId('field-mttr-p50-unit').selectOption('h');
    await page.getByTestId('preview-signature').click();
    await expect(page.getByTestId('preview-summary')).toContainText(
      /failures? of the last 7 days|No failure/,
    );
    await shot(page, testInfo, 'signature-new-1440');
    expect(errors).toEqual([]);
  });
});

test('the CLI signs in with a personal token and finds jobs by prefix and runs', async ({
  request,
  baseURL,
}) => {
  const made = await request.post('/api/v1/me/tokens', { data: { name: 'cli e2e', expiresInDays: 7 } });
  expect(made.status()).toBe(201);
  const { token } = await made.json();
  const configDir = mkdtempSync(path.join(tmpdir(), 'ttfs-cli-'));
  const env = { ...process.env, CI: '', TTFS_CONFIG_DIR: configDir, TTFS_TOKEN: '', TTFS_URL: '' };
  const cli = (...args: string[]) => run('node', ['bin/ttfs.mjs', ...args], { env, timeout: 20_000 });

  const help = await cli('--help');
  expect(help.stdout).toContain('ttfs login');

  const login = await cli('login', '--url', baseURL!, '--token', token);
  expect(login.stdout).toContain('Signed in');
  const file = path.join(configDir, 'config.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ url: baseURL, token });

  const job = randomUUID();
  const runId = randomUUID();
  await sql`insert into scheduler.runs (id, tenant_id) values (${runId}, ${ACME})`;
  await sql`select scheduler.upsert_first_signal_snapshot(${job}, ${ACME}, ${runId}, 'phase', 'fetch', 'Running fetch for the CLI', 60,
    null, ${sql.json([
      { label: 'Retry', href: `/jobs/${job}?retry=1` },
      { label: 'View run', href: `/runs/${runId}` },
    ])}, '{}')`;
  // The stored URL and token are used without options; 8 characters find the job.
  const byPrefix = await cli('signal', job.slice(0, 8));
  expect(byPrefix.stdout).toContain('Running fetch for the CLI');
  expect(byPrefix.stdout).toContain(`View run: ${baseURL}/runs/${runId}`);
  expect(byPrefix.stdout).not.toContain('Retry');
  for (const args of [
    ['signal', runId],
    ['run', runId],
  ]) {
    const out = await cli(...args);
    expect(out.stdout, args.join(' ')).toContain('Running fetch for the CLI');
  }

  const refused = await run(
    'node',
    ['bin/ttfs.mjs', 'signal', job, '--url', baseURL!, '--token', 'ttfs_not-a-real-token-at-all'],
    {
      env: { ...env, TTFS_CONFIG_DIR: mkdtempSync(path.join(tmpdir(), 'ttfs-cli-')) },
    },
  ).catch((e) => e as { code: number; stderr: string });
  expect((refused as { code: number }).code).toBe(2);
  expect((refused as { stderr: string }).stderr).toContain('ttfs login');
});

test('in the dark theme the support pages have no serious axe findings, colour contrast included', async ({
  page,
  context,
  baseURL,
}) => {
  await context.addCookies([{ name: 'ttfs-theme', value: 'dark', url: baseURL! }]);
  const [failed] = await sql<{ job_id: string }[]>`
    select job_id from scheduler.first_signal_snapshots where kind = 'failed' limit 1`;
  for (const path of [
    '/jobs',
    `/jobs/${failed!.job_id}`,
    '/signatures',
    '/admin/tokens',
    '/admin/retention',
    '/cli',
  ]) {
    await page.goto(path);
    await expect(page.locator('html')).toHaveClass(/dark/);
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  }
});

/** Every page of the console, as an admin sees it (the sign-in page is checked signed out). */
async function everyPage() {
  const [failed] = await sql<{ job_id: string; run_id: string }[]>`
    select job_id, run_id from scheduler.first_signal_snapshots where kind = 'failed' and run_id is not null limit 1`;
  const [running] = await sql<{ job_id: string }[]>`
    select job_id from scheduler.first_signal_snapshots where kind = 'phase' limit 1`;
  const [signature] = await sql<{ id: string }[]>`select id from scheduler.failure_signatures limit 1`;
  return [
    '/',
    '/jobs',
    `/jobs/${failed!.job_id}`,
    `/jobs/${running!.job_id}`,
    `/runs/${failed!.run_id}`,
    '/runbooks/rate-limits',
    '/signatures',
    '/signatures/new',
    `/signatures/${signature!.id}`,
    '/admin/tokens',
    '/admin/retention',
    '/cli',
    '/forbidden',
  ];
}

async function visitAll(page: Page, testInfo: TestInfo, width: number) {
  const errors = watchErrors(page);
  for (const path of await everyPage()) {
    await page.goto(path, { waitUntil: 'load' });
    await page.waitForTimeout(400);
    await expectNoSideways(page);
    await shot(page, testInfo, `${width}${path.replaceAll('/', '-').slice(0, 40)}`);
    expect(errors, `console errors on ${path}`).toEqual([]);
  }
}

test('every page logs no console errors and fits at 1440 px', async ({ page }, testInfo) => {
  await visitAll(page, testInfo, 1440);
});

test.describe('signed out', () => {
  test.use({ signedInAs: null });
  test('the sign-in page logs no console errors at 390 and 1440 px', async ({ page }) => {
    const errors = watchErrors(page);
    for (const width of [390, 1440]) {
      await page.setViewportSize({ width, height: 844 });
      await page.goto('/sign-in', { waitUntil: 'load' });
      await expect(page.getByTestId('sign-in')).toBeVisible();
      await expectNoSideways(page);
    }
    expect(errors).toEqual([]);
  });
});

test.describe('at 390 px', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('every page fits without sideways scrolling and logs no errors', async ({ page }, testInfo) => {
    await visitAll(page, testInfo, 390);
  });
});
