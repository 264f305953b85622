import { randomUUID } from 'node:crypto';
import { appDatabase } from './db';
import { attachScreenshot, expect, test } from './fixtures';

const sql = appDatabase();
test.afterAll(() => sql.end());

test('the overview shows tiles, the latency chart, the distribution, breaches and the error budget', async ({
  page,
}, testInfo) => {
  await page.goto('/?range=7d');
  for (const id of [
    'tiles',
    'latency-chart',
    'histogram-chart',
    'breaches-table',
    'budget-card',
    'attribution-card',
    'budget-segments',
  ])
    await expect(page.getByTestId(id)).toBeVisible();
  await expect(page.getByTestId('mix-shift')).toHaveAttribute(
    'data-verdict',
    /mix_shift|slowdown|both|stable|insufficient_data/,
  );
  await expect(page.getByTestId('tile-ui')).toBeVisible();
  // At a 50% target the 14.4x and 6x rules can never fire and say so.
  await expect(page.getByTestId('rule-p50-1h')).toHaveAttribute('data-feasible', 'false');
  await expect(page.getByTestId('rule-p95-1h')).toHaveAttribute('data-feasible', 'true');
  await page.getByText('Data table').click();
  await expect(page.getByTestId('latency-table').locator('tbody tr').first()).toBeVisible();
  await attachScreenshot(page, testInfo, 'overview-light');
  await page.getByTestId('theme-dark').click();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await attachScreenshot(page, testInfo, 'overview-dark');
  await page.getByTestId('theme-light').click();
});

test('filters change the URL and the data; a shared URL reproduces the view; back works', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByTestId('range-7d').click();
  await expect(page).toHaveURL(/range=7d/);
  await page.getByTestId('filter-surface').selectOption('cli');
  await expect(page).toHaveURL(/surface=cli/);
  await expect(page.getByTestId('tile-cli')).toBeVisible();
  await expect(page.getByTestId('tile-ui')).toHaveCount(0);
  const shared = page.url();
  const cliEvents = await page.getByTestId('tile-cli-events').textContent();

  const other = await page.context().newPage();
  await other.goto(shared);
  await expect(other.getByTestId('filter-surface')).toHaveValue('cli');
  await expect(other.getByTestId('range-7d')).toHaveAttribute('aria-pressed', 'true');
  await expect(other.getByTestId('tile-cli-events')).toHaveText(cliEvents!);
  await other.close();

  await page.goBack();
  await expect(page).not.toHaveURL(/surface=cli/);
  await expect(page.getByTestId('tile-ui')).toBeVisible();
});

test('a breach row drills down to the slowest events of that hour, linking to their jobs', async ({
  page,
}) => {
  // A known slow event in the previous hour, so a breach row exists for it.
  const tenant = '33333333-3333-4333-8333-333333333333';
  const job = randomUUID();
  const hour = new Date();
  hour.setUTCMinutes(0, 0, 0);
  hour.setUTCHours(hour.getUTCHours() - 1);
  await sql`insert into scheduler.ttfs_events (ts, tenant_id, job_id, surface, event_type, ttfs_ms, cache_hit, release)
    values (${new Date(hour.getTime() + 60_000)}, ${tenant}, ${job}, 'ci', 'signal.rendered', 59999, false, 'e2e')`;
  await page.goto('/?tenant=initech&surface=ci');
  const row = page
    .getByTestId('breach-row')
    .filter({ hasText: `${hour.toISOString().slice(5, 16).replace('T', ' ')} UTC` });
  await row.getByRole('link').click();
  await expect(page).toHaveURL(/drill=/);
  const first = page.getByTestId('drill-row').first();
  await expect(first.getByTestId('drill-ttfs')).toHaveText('59999');
  await first.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${job}$`));
});

test('the chart data exports as CSV', async ({ request }) => {
  const response = await request.get('/api/v1/dashboard/series?range=24h&split=cache');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/text\/csv/);
  const [header, ...rows] = (await response.text()).trim().split('\n');
  expect(header).toBe(
    'bucket_utc,series,events,p50_ms,p95_ms,p99_ms,over_2000,over_5000,errors,timeouts,cache_hits',
  );
  expect(rows.length).toBeGreaterThan(0);
  expect(new Set(rows.map((r) => r.split(',')[1]))).toEqual(new Set(['cache hit', 'cold start']));
});
