// `npm run bench -- pages [--url U] [--events N] [--loads L] [--pages a,b] [--tab fresh|same]`:
// time to main content of every page of the running console in real Chromium.
// Loads N events (default 1,000,000) over 7 days for a bench tenant, then opens
// each page L times (default 10, after one warm-up) in a fresh tab (or, with
// `--tab same`, one tab navigated from page to page) and reads the
// `ttfs:main-content` performance mark the page sets when its main content is
// drawn (docs/ui.md): for the overview, the first frame with the chart.
// The first row is this browser's floor: a blank same-origin page answered by
// the browser itself (no server), marked the same way.
// Target: the overview within 300 ms of navigation at p95.
import { existsSync } from 'node:fs';
import postgres from 'postgres';
import { chromium } from '@playwright/test';
import { parseArgs, percentile, printTable } from './_args';
import { benchDatabase } from './_db';
import { pageBenchTenant } from './_events';

const MARK = 'ttfs:main-content';
const OVERVIEW_TARGET_MS = 300;
const BLANK_PATH = '/__bench-blank';
// The mark as MainContentMark sets it: the frame after the content is parsed.
const BLANK_PAGE = `<!doctype html><html><body><p>blank</p><script>requestAnimationFrame(function(){setTimeout(function(){performance.mark(${JSON.stringify(MARK)})},0)})</script></body></html>`;

export default async function pages(args: string[]) {
  const options = parseArgs(args);
  const base = (options.url ?? 'http://localhost:3000').replace(/\/$/, '');
  const events = Number(options.events ?? 1_000_000);
  const loads = Number(options.loads ?? 10);
  const sameTab = options.tab === 'same';
  const server = await benchDatabase();
  const sql = postgres(server.url, { max: 2, onnotice: () => {} });
  const bench = await pageBenchTenant(sql, 'admin', 'Pages bench');
  const executablePath =
    process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  });
  try {
    await bench.loadUpTo(events);
    const [job] = await sql<{ job_id: string }[]>`
      select job_id from scheduler.first_signal_snapshots order by updated_at desc limit 1`;
    const [signature] = await sql<{ id: string }[]>`
      select id from scheduler.failure_signatures order by created_at limit 1`;
    const t = `tenant=${bench.slug}`;
    const all: [string, string][] = [
      ['blank page (browser floor)', BLANK_PATH],
      ['overview 24h', `/?${t}`],
      ['overview 1h', `/?range=1h&${t}`],
      ['overview 7d', `/?range=7d&${t}`],
      ['overview 90d', `/?range=90d&${t}`],
      ['jobs', `/jobs?${t}`],
      ...(job ? ([['job', `/jobs/${job.job_id}?${t}`]] as [string, string][]) : []),
      ['signatures', `/signatures?${t}`],
      ['new signature', `/signatures/new?${t}`],
      ...(signature ? ([['signature', `/signatures/${signature.id}?${t}`]] as [string, string][]) : []),
      ['tokens', `/admin/tokens?${t}`],
      ['retention', `/admin/retention?${t}`],
    ];
    const wanted = options.pages?.split(',');
    const list = wanted
      ? all.filter(([name]) => name.startsWith('blank') || wanted.some((w) => name.startsWith(w)))
      : all;
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addCookies([{ name: 'ttfs_session', value: bench.session, url: base }]);
    // The blank page has a context of its own: a route makes Playwright intercept every request of its context.
    const floor = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await floor.route(base + BLANK_PATH, (route) =>
      route.fulfill({ contentType: 'text/html', body: BLANK_PAGE }),
    );
    const rows: Record<string, string | number>[] = [];
    const results: Record<string, { p50: number; p95: number; max: number }> = {};
    for (const [name, path] of list) {
      const tabs = path === BLANK_PATH ? floor : context;
      const shared = sameTab ? await tabs.newPage() : null;
      const samples: number[] = [];
      const ttfb: number[] = [];
      for (let i = 0; i <= loads; i++) {
        const page = shared ?? (await tabs.newPage());
        await page.goto(base + path, { waitUntil: 'commit' });
        const handle = await page.waitForFunction(
          (mark) => {
            const entry = performance.getEntriesByName(mark)[0];
            const nav = performance.getEntriesByType('navigation')[0] as
              PerformanceNavigationTiming | undefined;
            return entry ? { mark: entry.startTime, ttfb: nav?.responseStart ?? NaN } : null;
          },
          MARK,
          { timeout: 30_000 },
        );
        const { mark, ttfb: first } = (await handle.jsonValue()) as { mark: number; ttfb: number };
        if (i > 0) {
          samples.push(mark);
          ttfb.push(first);
        }
        if (!shared) await page.close();
      }
      await shared?.close();
      samples.sort((a, b) => a - b);
      ttfb.sort((a, b) => a - b);
      const p95 = percentile(samples, 0.95);
      results[name] = { p50: percentile(samples, 0.5), p95, max: samples.at(-1)! };
      rows.push({
        page: name,
        ttfb_p50_ms: percentile(ttfb, 0.5).toFixed(0),
        main_p50_ms: percentile(samples, 0.5).toFixed(0),
        main_p95_ms: p95.toFixed(0),
        main_max_ms: samples.at(-1)!.toFixed(0),
        target: name.startsWith('overview')
          ? `<= ${OVERVIEW_TARGET_MS} ${p95 <= OVERVIEW_TARGET_MS ? 'met' : 'MISSED'}`
          : '',
      });
      process.stderr.write(`${name}: p95 ${p95.toFixed(0)} ms\n`);
    }
    await context.close();
    await floor.close();
    console.log(
      `\npages bench against ${base}: time to main content in Chromium, ${loads} loads per page (after a warm-up) in ${sameTab ? 'one tab' : 'a fresh tab each'}, ${bench.loaded.toLocaleString('en')} bench events\n`,
    );
    printTable(rows);
    console.log(
      JSON.stringify({
        bench: 'pages',
        events: bench.loaded,
        loads,
        tab: sameTab ? 'same' : 'fresh',
        pages: results,
      }),
    );
  } finally {
    await browser.close();
    process.stderr.write('cleaning up\n');
    await bench.remove();
    await sql.end();
    await server.stop();
  }
}
