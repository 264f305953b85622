// /api/metrics as Prometheus reads it: a real scrape checked by promtool, the
// TTFS counters of known tenants present at 0 before any event, and HTTP series
// that strangers cannot grow by sending unknown or huge ids.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getMetrics } from '@/app/api/metrics/route';
import { GET as getRunSignal } from '@/app/api/v1/runs/[runId]/signal/route';
import { GET as getJobSignal } from '@/app/api/v1/jobs/[jobId]/signal/route';
import { newTenant, testSql } from '../helpers/db';
import { ensureTenant } from '../helpers/auth';
import { parseExposition, TTFS_COUNTER_FAMILIES } from '../helpers/metrics';
import { metrics } from '@/lib/ops/metrics';

const sql = testSql();
const TOKEN = 'metrics-scrape-test-token';
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

async function scrapeText() {
  const response = await getMetrics(
    new Request('http://console.test/api/metrics', { headers: { authorization: `Bearer ${TOKEN}` } }),
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

let previousToken: string | undefined;
beforeAll(() => {
  previousToken = process.env.TTFS_METRICS_TOKEN;
  process.env.TTFS_METRICS_TOKEN = TOKEN;
});
afterAll(async () => {
  process.env.TTFS_METRICS_TOKEN = previousToken;
  await sql.end();
});

describe('GET /api/metrics', () => {
  it('refuses a scrape without the token', async () => {
    const response = await getMetrics(new Request('http://console.test/api/metrics'));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: 'forbidden',
      message: 'Send the metrics token (TTFS_METRICS_TOKEN).',
    });
    const wrong = await getMetrics(
      new Request('http://console.test/api/metrics', { headers: { authorization: `Bearer x${TOKEN}` } }),
    );
    expect(wrong.status).toBe(403);
  });

  it('passes promtool check metrics', async () => {
    const text = await scrapeText();
    expect(text).toContain('# TYPE ttfs_latency_seconds histogram');
    const result = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(result.error, `${PROMTOOL} must be installed (Debian package prometheus)`).toBeUndefined();
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.status).toBe(0);
  });

  it('exports at 0, before their first event, the TTFS counters of known tenants and of recent label sets', async () => {
    const tenant = newTenant();
    const active = newTenant();
    await ensureTenant(sql, tenant);
    await sql`insert into scheduler.ttfs_events (tenant_id, job_id, surface, event_type, ttfs_ms, cache_hit, signal_source, kind, phase, error_code)
      values (${active}, ${randomUUID()}, 'ci', 'signal.error', 900, false, 'snapshot', 'failed', 'analyze', 'E_PULL')`;
    // As at the start of a process: the label sets are read before the first answer.
    metrics.initialized = null;
    const { samples } = parseExposition(await scrapeText());
    for (const family of TTFS_COUNTER_FAMILIES) {
      const known = samples.filter((s) => s.name === family && s.labels.tenant_id === tenant);
      expect(new Set(known.map((s) => `${s.labels.surface}/${s.labels.cache_hit}`)).size, family).toBe(6);
      expect(known.every((s) => s.value === 0)).toBe(true);
    }
    const recent = samples.find(
      (s) =>
        s.name === 'ttfs_error_total' &&
        s.labels.tenant_id === active &&
        s.labels.kind === 'failed' &&
        s.labels.phase === 'analyze' &&
        s.labels.error_code === 'E_PULL' &&
        s.labels.error_type === 'error',
    );
    expect(recent?.value).toBe(0);
  });
});

describe('HTTP metrics and strangers', () => {
  it('labels requests by route pattern: unknown and huge ids add no series', async () => {
    const ask = (runId: string) =>
      getRunSignal(new Request(`http://console.test/api/v1/runs/${runId}/signal`), {
        params: Promise.resolve({ runId }),
      });
    const askJob = (jobId: string) =>
      getJobSignal(new Request(`http://console.test/api/v1/jobs/${jobId}/signal`), {
        params: Promise.resolve({ jobId }),
      });
    // The first refusal of each route may add its one series.
    expect((await ask(randomUUID())).status).toBe(401);
    expect((await askJob(randomUUID())).status).toBe(401);
    const series = async () =>
      new Set(
        parseExposition(await scrapeText())
          .samples.filter((s) => s.name.startsWith('ttfs_http_request_duration_seconds'))
          .map((s) => JSON.stringify(s.labels)),
      );
    const before = await series();
    for (let i = 0; i < 25; i++) {
      const huge = `${randomUUID()}${'x'.repeat(4000)}`;
      expect((await ask(huge)).status).toBe(401);
      expect((await askJob(encodeURIComponent(`${i} ../ "quoted" ${huge}`))).status).toBe(401);
    }
    const after = await series();
    // The requests above were counted: an empty scrape would pass the check below.
    expect(after.size).toBeGreaterThan(0);
    expect([...after].filter((s) => !before.has(s))).toEqual([]);
    expect([...after].every((s) => s.length < 300)).toBe(true);
    expect(after).toContain(
      JSON.stringify({ le: '+Inf', method: 'GET', route: '/api/v1/runs/:id/signal', status: '401' }),
    );
  });
});
