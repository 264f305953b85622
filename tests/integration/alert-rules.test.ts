// The alert rules operators load into Prometheus (docs/alerts/ttfs-rules.yml):
// valid for promtool, their behaviour tested with `promtool test rules`
// (docs/alerts/ttfs-rules.test.yml, including a surface at 0 % cache hits), and
// each with the labels and the runbook that routing and on-call rely on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../db/connect';
import { RUNBOOKS } from '@/lib/runbooks';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const RULES = 'docs/alerts/ttfs-rules.yml';
const TESTS = 'docs/alerts/ttfs-rules.test.yml';

function promtool(...args: string[]) {
  const result = spawnSync(PROMTOOL, args, { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(result.error, `${PROMTOOL} must be installed (Debian package prometheus)`).toBeUndefined();
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Each rule of the file as the text of its block, by alert name (no YAML library in the dependencies). */
function ruleBlocks(text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const parts = text.split(/^ {6}- alert: /m).slice(1);
  for (const part of parts) {
    const name = part.slice(0, part.indexOf('\n')).trim();
    blocks.set(name, part);
  }
  return blocks;
}

describe('TTFS alert rules', () => {
  it('pass promtool check rules', () => {
    const { status, output } = promtool('check', 'rules', RULES);
    expect(output).toContain('SUCCESS: 4 rules found');
    expect(status).toBe(0);
  });

  it('behave as their promtool tests say (p95, 0 % cache hits, errors, breach bursts with `for`)', () => {
    const { status, output } = promtool('test', 'rules', TESTS);
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
    // The 0 %-hits cases are part of what runs.
    const tests = readFileSync(path.join(PROJECT_ROOT, TESTS), 'utf8');
    expect(tests.match(/description: 'Only 0% of first signals/g)).toHaveLength(2);
  });

  it('fail promtool when a rule misbehaves (the tests can fail)', () => {
    const rules = readFileSync(path.join(PROJECT_ROOT, RULES), 'utf8');
    // The cache-hit rule as it was before: no fallback for a surface without hit series.
    const broken = rules.replace(
      /\(\n\s*sum by \(surface\) \(rate\(ttfs_cache_hit_total\[5m\]\)\)\n\s*or\n[^\n]*\n\s*\)/,
      'sum by (surface) (rate(ttfs_cache_hit_total[5m]))',
    );
    expect(broken).not.toBe(rules);
    const dir = path.join(PROJECT_ROOT, '.data', `promtool-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(path.join(dir, 'ttfs-rules.yml'), broken);
      writeFileSync(path.join(dir, 'ttfs-rules.test.yml'), readFileSync(path.join(PROJECT_ROOT, TESTS)));
      const { status, output } = promtool('test', 'rules', path.join(dir, 'ttfs-rules.test.yml'));
      expect(status).not.toBe(0);
      expect(output).toContain('TtfsCacheHitRateLow');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('each carry component and slo labels and a runbook annotation naming a runbook that exists', () => {
    const blocks = ruleBlocks(readFileSync(path.join(PROJECT_ROOT, RULES), 'utf8'));
    expect([...blocks.keys()].sort()).toEqual([
      'TtfsCacheHitRateLow',
      'TtfsErrorRateHigh',
      'TtfsP95High',
      'TtfsSloBreach',
    ]);
    const runbooks = new Set<string>();
    for (const [name, block] of blocks) {
      expect(block, name).toMatch(/^ {10}component: ttfs$/m);
      expect(block, name).toMatch(/^ {10}slo: ttfs-[a-z-]+$/m);
      expect(block, name).toMatch(/^ {8}for: \d+m$/m);
      const runbook = /^ {10}runbook: (\S+)$/m.exec(block)?.[1];
      expect(runbook, `${name} has a runbook annotation`).toMatch(/^docs\/runbooks\/[a-z0-9-]+\.md$/);
      expect(existsSync(path.join(PROJECT_ROOT, runbook!)), `${runbook} exists`).toBe(true);
      // The runbook is about this alert.
      expect(readFileSync(path.join(PROJECT_ROOT, runbook!), 'utf8')).toMatch(new RegExp(`^# ${name}:`));
      runbooks.add(runbook!);
    }
    // No runbook without its alert, besides the failure-signature runbooks the console serves
    // at /runbooks/{slug} (lib/runbooks.ts), which no alert may take.
    const failureRunbooks = Object.keys(RUNBOOKS).map((slug) => `docs/runbooks/${slug}.md`);
    for (const runbook of runbooks) expect(failureRunbooks, runbook).not.toContain(runbook);
    expect(
      readdirSync(path.join(PROJECT_ROOT, 'docs/runbooks'))
        .map((f) => `docs/runbooks/${f}`)
        .sort(),
    ).toEqual([...runbooks, ...failureRunbooks].sort());
  });
});
