import { randomUUID } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { testToken } from '../tests/helpers/auth';
import { appDatabase } from './db';
import { attachScreenshot, expect, test } from './fixtures';
import { JobPage, JobsPage } from './pages/jobs';

const run = promisify(execFile);
const ACME = '11111111-1111-4111-8111-111111111111';
const sql = appDatabase();
test.afterAll(() => sql.end());

const upsert = (job: string, kind: string, phase: string, summary: string, diagnostics: object = {}) =>
  sql`select scheduler.upsert_first_signal_snapshot(${job}, ${ACME}, null, ${kind}, ${phase}, ${summary}, 120, null, null, ${sql.json(diagnostics as never)})`;

test('the job page shows the first signal and updates live when the scheduler upserts', async ({
  page,
}, testInfo) => {
  const job = randomUUID();
  await upsert(job, 'queued', 'unknown', 'Queued at position 3', { queue_position: 3, worker_id: 'none' });
  const jobPage = new JobPage(page);
  await jobPage.goto(job);
  await expect(jobPage.summary()).toHaveText('Queued at position 3');
  await expect(jobPage.live()).toHaveAttribute('data-state', 'live');
  await upsert(job, 'phase', 'analyze', 'Running analyze');
  await expect(jobPage.summary()).toHaveText('Running analyze');
  await expect(jobPage.kind()).toHaveAttribute('data-kind', 'phase');
  await expect(page.locator('[data-testid="phase-progress"] li[data-state="current"]')).toHaveText('analyze');
  await attachScreenshot(page, testInfo, 'job-live');
});

test('the console reports its own TTFS for the job page', async ({ page }) => {
  const job = randomUUID();
  await upsert(job, 'started', 'resolve', 'Picked up');
  await new JobPage(page).goto(job);
  await expect
    .poll(async () =>
      (
        await sql`select event_type from scheduler.ttfs_events where job_id = ${job} and surface = 'ui' order by event_type`
      ).map((r) => r.event_type),
    )
    .toEqual(['signal.rendered', 'signal.start']);
  const [rendered] =
    await sql`select cache_hit, signal_source, ttfs_ms from scheduler.ttfs_events where job_id = ${job} and event_type = 'signal.rendered'`;
  expect(rendered).toMatchObject({ cache_hit: true, signal_source: 'snapshot' });
  expect(rendered!.ttfs_ms).toBeGreaterThan(0);
});

test('an offline banner shows when the stream drops and clears when it is back', async ({
  page,
  request,
}) => {
  const job = randomUUID();
  await upsert(job, 'phase', 'fetch', 'Running fetch');
  const jobPage = new JobPage(page);
  await jobPage.goto(job);
  await expect(jobPage.live()).toHaveAttribute('data-state', 'live');
  await expect(jobPage.offline()).toBeHidden();
  // Cut the stream: new connections fail, then the server ends the open one.
  await page.route('**/api/v1/stream/signals**', (route) => route.abort('connectionreset'));
  expect((await request.post('/api/v1/stream/signals/reset')).status()).toBe(200);
  await expect(jobPage.offline()).toBeVisible();
  await expect(jobPage.live()).toHaveAttribute('data-state', 'offline');
  await page.unroute('**/api/v1/stream/signals**');
  await expect(jobPage.live()).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
  await expect(jobPage.offline()).toBeHidden();
  // Changes made while it was away are there after the reconnect.
  await upsert(job, 'phase', 'restore', 'Running restore');
  await expect(jobPage.summary()).toHaveText('Running restore');
});

test('the jobs list filters by kind through the URL, and rows change in place and appear live', async ({
  page,
}, testInfo) => {
  const jobs = new JobsPage(page);
  await jobs.goto('?tenant=acme');
  await expect(jobs.rows().first()).toBeVisible();
  // Changes count from the moment the stream is subscribed.
  await expect(page.getByTestId('live-indicator')).toHaveAttribute('data-state', 'live');
  const job = randomUUID();
  await upsert(job, 'queued', 'unknown', 'A brand new job');
  await expect(jobs.row(job)).toContainText('A brand new job');
  await upsert(job, 'phase', 'policy', 'Evaluating policy');
  await expect(jobs.row(job)).toContainText('Evaluating policy');
  await expect(jobs.row(job)).toHaveCount(1);
  await attachScreenshot(page, testInfo, 'jobs-live');

  await page.getByTestId('count-failed').click();
  await expect(page).toHaveURL(/kind=failed/);
  await expect(jobs.rows().first()).toBeVisible();
  for (const kind of await page
    .locator('[data-testid="job-row"] [data-testid="kind-badge"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))))
    expect(kind).toBe('failed');
});

test('searching a full job id opens the job', async ({ page }) => {
  const job = randomUUID();
  await upsert(job, 'blocked', 'fetch', 'Waiting for credentials');
  await page.goto('/jobs');
  await page.getByTestId('job-search-input').fill(job);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${job}$`));
  await expect(new JobPage(page).summary()).toHaveText('Waiting for credentials');
});

test('the CLI prints the signal, follows it, and exits non-zero on failure', async ({ baseURL }) => {
  const job = randomUUID();
  const { token } = await testToken(sql, {
    tenantId: ACME,
    scopes: ['signals:read', 'telemetry:write'],
    name: 'cli e2e',
  });
  await upsert(job, 'phase', 'fetch', 'Running fetch');
  const once = await run('node', ['bin/ttfs.mjs', 'signal', job, '--url', baseURL!, '--token', token], {
    env: { ...process.env, CI: '' },
  });
  expect(once.stdout).toContain('Running fetch');

  // Each step waits for the CLI to print the previous one, so no update can
  // overtake another however slowly the CLI starts or subscribes.
  const watching = spawn(
    'node',
    ['bin/ttfs.mjs', 'signal', job, '--watch', '--url', baseURL!, '--token', token],
    { env: { ...process.env, CI: '' } },
  );
  let stdout = '';
  watching.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => watching.once('exit', resolve));
  try {
    await expect.poll(() => stdout).toContain('Running fetch');
    await upsert(job, 'phase', 'analyze', 'Running analyze');
    await expect.poll(() => stdout, { timeout: 15_000 }).toContain('Running analyze');
    await upsert(job, 'failed', 'analyze', 'Failed in analyze with OOM_KILLED', { error_code: 'OOM_KILLED' });
    expect(await exited).toBe(1);
    expect(stdout).toContain('Failed in analyze');
  } finally {
    watching.kill();
  }
  const surfaces = await sql`select distinct surface from scheduler.ttfs_events where job_id = ${job}`;
  expect(surfaces.map((r) => r.surface)).toContain('cli');
});
