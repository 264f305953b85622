// /api/metrics of the running server (Next.js and the machine lane): what
// Prometheus scrapes passes promtool, carries the platform's TTFS families with
// known tenants at 0, and strangers' requests to unknown or huge paths add no
// series.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { expect, test } from './fixtures';

const ACME = '11111111-1111-4111-8111-111111111111';

test.use({ signedInAs: null });

async function scrape(origin: string) {
  const response = await fetch(`${origin}/api/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** Every series (name and labels) of a scrape, without values. */
const series = (text: string) =>
  new Set(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.slice(0, line.lastIndexOf(' '))),
  );

test('a scrape passes promtool check metrics and has the TTFS counters of a known tenant at start', async ({
  baseURL,
}) => {
  const text = await scrape(baseURL!);
  const result = spawnSync(process.env.PROMTOOL ?? 'promtool', ['check', 'metrics'], {
    input: text,
    encoding: 'utf8',
  });
  expect(result.error).toBeUndefined();
  expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
  expect(result.status).toBe(0);
  for (const family of [
    'ttfs_signal_total',
    'ttfs_slo_breach_total',
    'ttfs_cache_hit_total',
    'ttfs_error_total',
  ])
    expect(text).toMatch(new RegExp(`^${family}\\{[^}]*tenant_id="${ACME}"[^}]*\\} \\d+$`, 'm'));
});

test("a stranger's unknown and huge paths add no series", async ({ baseURL }) => {
  const origin = baseURL!;
  const paths = (id: string) => [
    `/api/v1/runs/${id}/signal`,
    `/api/v1/jobs/${id}/signal`,
    `/api/v1/orchestrator/runs/${id}/first-signal`,
    `/api/v1/jobengine/stream/runs/${id}`,
    `/api/v1/no-such-api/${id}`,
    `/api/${id}`,
  ];
  // The first refusal of each route may add its one series.
  for (const path of paths(randomUUID())) await (await fetch(`${origin}${path}`)).body?.cancel();
  const before = series(await scrape(origin));
  for (let i = 0; i < 10; i++) {
    const huge = `${randomUUID()}${'z'.repeat(4000)}`;
    for (const path of paths(huge)) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path.slice(0, 60)).toBeGreaterThanOrEqual(400);
      await response.body?.cancel();
    }
  }
  const after = series(await scrape(origin));
  // The requests above were counted: an empty scrape would pass the checks below.
  expect([...after].some((s) => s.startsWith('ttfs_http_request'))).toBe(true);
  expect([...after].filter((s) => !before.has(s) && s.includes('http'))).toEqual([]);
  expect([...after].every((s) => s.length < 400)).toBe(true);
});
