#!/usr/bin/env node
// ttfs: the first signal of a scan job, from the terminal or CI.
//
//   ttfs signal <jobId> [--watch] [--json] [--url URL] [--token TOKEN]
//
// URL defaults to $TTFS_URL or http://localhost:3000, TOKEN to $TTFS_TOKEN (an
// API token with signals:read, plus telemetry:write to report the CLI's own
// time to first signal). Exit codes: 0 signal shown (not failed), 1 the job
// failed, 2 usage or request error.
import { randomUUID } from 'node:crypto';

const started = Date.now();
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const positional = args.filter(
  (a, i) => !a.startsWith('--') && !['--url', '--token'].includes(args[i - 1] ?? ''),
);
const [command, jobId] = positional;
const base = option('url', process.env.TTFS_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const token = option('token', process.env.TTFS_TOKEN);
const json = flag('json');
const surface = process.env.CI ? 'ci' : 'cli';

function usage(message) {
  if (message) console.error(`ttfs: ${message}`);
  console.error('usage: ttfs signal <jobId> [--watch] [--json] [--url URL] [--token TOKEN]');
  process.exit(2);
}

if (command !== 'signal' || !jobId) usage();
if (!/^[0-9a-f-]{36}$/i.test(jobId)) usage('the job id must be a UUID');

const headers = { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };

function print(signal) {
  if (json) {
    console.log(JSON.stringify(signal));
    return;
  }
  const eta = signal.etaSeconds == null ? '' : `  eta ~${signal.etaSeconds}s`;
  console.log(
    `${new Date(signal.updatedAt).toISOString()}  ${signal.kind.padEnd(11)} ${signal.phase.padEnd(8)} ${signal.summary}${eta}`,
  );
  if (signal.kind === 'failed') {
    if (signal.prediction) {
      console.log(`  likely cause: ${signal.prediction.likelyCause}`);
      if (signal.prediction.suggestedAction)
        console.log(`  suggested:    ${signal.prediction.suggestedAction}`);
      if (signal.prediction.remediationUrl)
        console.log(`  runbook:      ${signal.prediction.remediationUrl}`);
    } else console.log('  no known failure signature matched');
  }
  for (const action of signal.nextActions ?? [])
    console.log(`  -> ${action.label}: ${action.href.startsWith('/') ? base + action.href : action.href}`);
}

async function report(signal, source) {
  // The CLI's own TTFS: from start of the command to the first signal printed.
  const ttfs = Date.now() - started;
  const common = {
    schema_version: 'v1.0',
    tenant_id: signal.tenantId,
    job_id: signal.jobId,
    run_id: signal.runId,
    surface,
    cache_hit: source === 'snapshot',
    device: surface,
  };
  await fetch(`${base}/api/v1/telemetry/ttfs`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify([
      {
        ...common,
        event_id: randomUUID(),
        event_type: 'signal.start',
        ttfs_ms: 0,
        timestamp: new Date(started).toISOString(),
      },
      {
        ...common,
        event_id: randomUUID(),
        event_type: 'signal.rendered',
        ttfs_ms: ttfs,
        timestamp: new Date().toISOString(),
        signal_source: source,
        kind: signal.kind,
        phase: signal.phase,
      },
    ]),
  }).catch(() => {});
}

async function follow(onSignal) {
  for (;;) {
    let response;
    try {
      response = await fetch(`${base}/api/v1/stream/signals?jobId=${jobId}`, {
        headers: { ...headers, accept: 'text/event-stream' },
      });
    } catch {
      await new Promise((r) => setTimeout(r, 3000));
      continue;
    }
    if (!response.ok || !response.body) {
      console.error(`ttfs: stream answered ${response.status}`);
      process.exit(2);
    }
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'signal' && data) onSignal(JSON.parse(data));
        }
      }
    } catch {
      // connection dropped: reconnect below
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const response = await fetch(`${base}/api/v1/jobs/${jobId}/signal`, { headers }).catch((error) => {
  console.error(`ttfs: cannot reach ${base}: ${error.cause?.code ?? error.message}`);
  process.exit(2);
});
if (response.status !== 200) {
  const body = await response.json().catch(() => ({}));
  console.error(`ttfs: ${response.status} ${body.message ?? response.statusText}`);
  process.exit(2);
}
const signal = await response.json();
const source = response.headers.get('x-firstsignal-source') ?? 'snapshot';
print(signal);
await report(signal, source);

const TERMINAL = ['succeeded', 'failed', 'canceled'];
if (!flag('watch') || TERMINAL.includes(signal.kind)) process.exit(signal.kind === 'failed' ? 1 : 0);

let last = JSON.stringify(signal);
await follow((next) => {
  const text = JSON.stringify(next);
  if (text === last) return;
  last = text;
  print(next);
  if (TERMINAL.includes(next.kind)) process.exit(next.kind === 'failed' ? 1 : 0);
});
