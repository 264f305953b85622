import { randomUUID } from 'node:crypto';
import { appDatabase } from './db';
import { expectNoSeriousA11yViolations } from './axe';
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
    'breaches-card',
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

test('a breach row drills down beside the chart to the slowest events of that hour, linking to their jobs', async ({
  page,
}) => {
  // 40 slow signals in the previous hour: enough to be judged (not "insufficient data").
  const tenant = '33333333-3333-4333-8333-333333333333';
  const job = randomUUID();
  const hour = new Date();
  hour.setUTCMinutes(0, 0, 0);
  hour.setUTCHours(hour.getUTCHours() - 1);
  await sql`insert into scheduler.ttfs_events (ts, tenant_id, job_id, surface, event_type, ttfs_ms, cache_hit, release)
    select ${new Date(hour.getTime() + 60_000)}, ${tenant}, case when g = 1 then ${job}::uuid else gen_random_uuid() end,
      'ci', 'signal.rendered', case when g = 1 then 60000 else 59000 end, false, 'e2e'
    from generate_series(1, 40) g`;
  await page.goto('/?tenant=initech&surface=ci');
  const row = page.locator(`[data-testid="breach-row"][data-hour="${hour.toISOString()}"]`);
  await row.getByRole('link').click();
  await expect(page).toHaveURL(/drill=/);
  const first = page.getByTestId('drill-row').first();
  await expect(first.getByTestId('drill-ttfs')).toHaveAttribute('data-ms', '60000');
  await expect(first.getByTestId('drill-ttfs')).toHaveText('1 min 00 s');
  await first.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${job}$`));

  // Another filter closes the drill-down and leaves none of its parameters in the URL.
  await page.goBack();
  await expect(page).toHaveURL(/drillSurface=ci/);
  await page.getByTestId('range-7d').click();
  await expect(page).toHaveURL(/range=7d/);
  expect(page.url()).not.toContain('drill');
});

test.describe('as a viewer', () => {
  test.use({ signedInAs: 'sre' });
  test('the drill-down lists slow events without links to job pages a viewer cannot open', async ({
    page,
  }) => {
    await page.goto('/?range=24h');
    await page.getByTestId('chart-plot').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/drill=/);
    await expect(page.getByTestId('drill-row').first()).toBeVisible();
    await expect(page.getByTestId('drill-table').getByRole('link')).toHaveCount(0);
  });
});

test('the chart: p95 by default, p50 and p99 on demand, readable by keyboard, drawn in the server HTML', async ({
  page,
  request,
}) => {
  // In the HTML as served, before any script runs.
  const html = await (await request.get('/?range=24h')).text();
  expect(html).toContain('data-testid="latency-chart"');
  expect(html).toMatch(/data-testid="line-(ui|cli|ci)-p95"[^>]*/);

  await page.goto('/?range=24h');
  const chart = page.getByTestId('latency-chart');
  await expect(chart).toHaveAttribute('data-ready', 'true');
  await expect(chart).toHaveAttribute('data-grain', 'hour');
  await expect(chart).toHaveAttribute('data-percentiles', 'p95');
  await expect(page.getByTestId('line-ui-p95')).toHaveCount(1);
  await expect(page.getByTestId('line-ui-p50')).toHaveCount(0);
  await page.getByTestId('show-p50').click();
  await page.getByTestId('show-p99').click();
  await expect(chart).toHaveAttribute('data-percentiles', 'p95,p50,p99');
  await expect(page.getByTestId('line-ui-p50')).toHaveCount(1);
  await page.getByTestId('series-ui').click();
  await expect(page.getByTestId('line-ui-p95')).toHaveCount(0);

  await page.getByTestId('chart-plot').focus();
  await page.keyboard.press('End');
  await expect(page.getByTestId('chart-readout')).toContainText('still filling');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('chart-readout')).toContainText('cli p95');
  await expectNoSeriousA11yViolations(page);

  // A click opens the bucket's slowest events beside the chart; the chart stays where it was.
  const before = await chart.boundingBox();
  const plot = (await page.getByTestId('chart-plot').boundingBox())!;
  await page.mouse.click(plot.x + plot.width * 0.5, plot.y + plot.height * 0.5);
  await expect(page).toHaveURL(/drill=/);
  await expect(page.getByTestId('drill-row').first()).toBeVisible();
  expect(await chart.boundingBox()).toEqual(before);
});

test('the last 60 minutes are 60 minute buckets', async ({ page }) => {
  await page.goto('/?range=1h');
  const chart = page.getByTestId('latency-chart');
  await expect(chart).toHaveAttribute('data-grain', 'minute');
  await expect(chart).toHaveAttribute('data-buckets', '60');
});

test('the overview reports its own time to main content as a ui signal', async ({ page }) => {
  const since = new Date();
  await page.goto('/?range=7d');
  await expect(page.locator('html')).toHaveAttribute('data-main-content', 'overview');
  const mark = await page.evaluate(() => performance.getEntriesByName('ttfs:main-content')[0]?.startTime);
  expect(mark).toBeGreaterThan(0);
  await expect
    .poll(
      async () =>
        (
          await sql<{ n: number }[]>`select count(*)::int as n from scheduler.ttfs_events
            where surface = 'ui' and event_type = 'signal.rendered' and metadata->>'page' = 'overview'
              and ts >= ${new Date(since.getTime() - 60_000)}`
        )[0]!.n,
    )
    .toBeGreaterThan(0);
});

test('at 390 px wide the overview needs no sideways scrolling', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?range=7d');
  await expect(page.getByTestId('latency-chart')).toBeVisible();
  await expect(page.getByTestId('budget-card')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await attachScreenshot(page, testInfo, 'overview-390');
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
