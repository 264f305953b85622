#!/usr/bin/env node
// ttfs: the first signal of a scan job, from the terminal or CI. `ttfs --help`
// for usage; docs/cli.md for the details.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createParser } from 'eventsource-parser';

const HELP = `ttfs: the first signal of a scan job, as the console's job page shows it

Usage:
  ttfs login [--url URL] [--token TOKEN]   sign in with a personal token (made on URL/cli)
  ttfs logout                              forget the stored token
  ttfs signal <id> [--watch] [--json]      a job by id, by the 8 characters the pages show,
                                           or a run id (its most relevant job)
  ttfs run <runId> [--watch] [--json]      a run's most relevant job
  ttfs --help                              this text

Options:
  --url URL      the console (default: $TTFS_URL, else the URL you logged in to,
                 else http://localhost:3000)
  --token TOKEN  a token to use instead of the stored one (default: $TTFS_TOKEN)
  --watch        follow the job until it succeeds, fails or is canceled
  --json         print each signal as one line of JSON

Credentials are stored in ${displayPath(configFile())} (mode 600).
Exit codes: 0 signal shown (not failed), 1 the job failed, 2 usage or request error.`;

const started = Date.now();
const args = process.argv.slice(2);
const VALUE_OPTIONS = ['--url', '--token'];
const flag = (name) => args.includes(`--${name}`);
const option = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : undefined;
};
const positional = args.filter((a, i) => !a.startsWith('-') && !VALUE_OPTIONS.includes(args[i - 1] ?? ''));
const [command, target] = positional;
const json = flag('json');
const surface = process.env.CI ? 'ci' : 'cli';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFIX = /^[0-9a-f][0-9a-f-]{7,35}$/i;
const TERMINAL = ['succeeded', 'failed', 'canceled'];

function configFile() {
  const base =
    process.env.TTFS_CONFIG_DIR ||
    (process.platform === 'win32'
      ? path.join(process.env.APPDATA ?? path.join(homedir(), 'AppData', 'Roaming'), 'ttfs')
      : path.join(process.env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'ttfs'));
  return path.join(base, 'config.json');
}

function displayPath(file) {
  const home = homedir();
  return file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file;
}

function readConfig() {
  try {
    return JSON.parse(readFileSync(configFile(), 'utf8'));
  } catch {
    return {};
  }
}

function writeConfig(config) {
  const file = configFile();
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // an existing file keeps its mode on write
}

function fail(message) {
  console.error(`ttfs: ${message}`);
  process.exit(2);
}

function usage(message) {
  console.error(message ? `ttfs: ${message}\nRun \`ttfs --help\` for usage.` : HELP);
  process.exit(2);
}

if (flag('help') || args.includes('-h') || command === 'help') {
  console.log(HELP);
  process.exit(0);
}

const stored = readConfig();
// An empty variable counts as unset.
const base = (option('url') ?? (process.env.TTFS_URL || stored.url || 'http://localhost:3000')).replace(
  /\/$/,
  '',
);
// The stored token goes only to the console it was made on.
const token = option('token') ?? (process.env.TTFS_TOKEN || (stored.url === base ? stored.token : undefined));
const headers = { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };

function howToSignIn() {
  return `Sign in with \`ttfs login --url ${base}\` (it asks for a personal token made on ${base}/cli), or set TTFS_TOKEN to an API token with signals:read.`;
}

/** fetch, but a console that cannot be reached ends the command. */
function reach(url, init) {
  return fetch(url, init).catch((error) =>
    fail(`cannot reach ${base}: ${error.cause?.code ?? error.message}`),
  );
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Exit code for a signal: 1 when the job failed. */
const exitFor = (signal) => process.exit(signal.kind === 'failed' ? 1 : 0);

async function request(url, init = {}) {
  const response = await reach(url, { ...init, headers: { ...headers, ...init.headers } });
  if (response.status === 401) {
    const body = await response.json().catch(() => ({}));
    const expired =
      stored.expiresAt &&
      stored.url === base &&
      !option('token') &&
      Date.parse(stored.expiresAt) <= Date.now();
    fail(
      `${expired ? `your token expired on ${stored.expiresAt.slice(0, 10)}` : (body.message ?? 'not signed in')}\n${howToSignIn()}`,
    );
  }
  return response;
}

async function failed(response) {
  const body = await response.json().catch(() => ({}));
  fail(`${response.status} ${body.message ?? response.statusText}`);
}

async function prompt(question) {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.trim();
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Keep the token off the screen: echo nothing while it is typed or pasted.
  rl._writeToOutput = (s) => {
    if (s.includes(question)) process.stderr.write(s);
  };
  const answer = await new Promise((resolve) => rl.question(question, resolve));
  rl.close();
  process.stderr.write('\n');
  return answer.trim();
}

async function login() {
  let value = option('token') ?? (process.env.TTFS_TOKEN || undefined);
  if (!value) {
    console.error(`Open ${base}/cli in a browser, sign in, and create a personal token.`);
    value = await prompt('Paste the token here: ');
  }
  if (!value) fail('no token given');
  const response = await reach(`${base}/api/auth/me`, {
    headers: { accept: 'application/json', authorization: `Bearer ${value}` },
  });
  if (response.status === 401) fail(`${base} does not accept this token (unknown, revoked or expired).`);
  if (!response.ok) await failed(response);
  const me = await response.json();
  if (!me.scopes?.includes('signals:read'))
    fail('this token cannot read job signals (it lacks signals:read).');
  writeConfig({ url: base, token: value, name: me.name, expiresAt: me.expiresAt ?? null });
  const expiry = me.expiresAt ? `; it expires on ${me.expiresAt.slice(0, 10)}` : '';
  console.log(`Signed in to ${base} as "${me.name}"${expiry}. Stored in ${displayPath(configFile())}.`);
  process.exit(0);
}

function logout() {
  rmSync(configFile(), { force: true });
  console.log(
    `Forgot the stored token (${displayPath(configFile())}). Revoke it on ${stored.url ?? base}/cli.`,
  );
  process.exit(0);
}

function link(href) {
  return href.startsWith('/') ? base + href : href;
}

function print(signal) {
  if (json) {
    console.log(JSON.stringify(signal));
    return;
  }
  const eta =
    signal.etaSeconds == null || TERMINAL.includes(signal.kind) ? '' : `  eta ~${signal.etaSeconds}s`;
  console.log(
    `${new Date(signal.updatedAt).toISOString()}  ${signal.kind.padEnd(11)} ${signal.phase.padEnd(8)} ${signal.summary}${eta}`,
  );
  const error = signal.diagnostics?.error_code;
  const image = signal.diagnostics?.image_reference;
  if (image || error) console.log(`  ${[image, error].filter(Boolean).join('  ')}`);
  if (signal.kind === 'failed') {
    if (signal.prediction) {
      console.log(`  likely cause: ${signal.prediction.likelyCause}`);
      if (signal.prediction.suggestedAction)
        console.log(`  suggested:    ${signal.prediction.suggestedAction}`);
    } else console.log('  no known failure signature matched');
  }
  // The server sends only actions that lead somewhere (console pages, runbooks, external links).
  for (const action of signal.nextActions ?? []) console.log(`  -> ${action.label}: ${link(action.href)}`);
  console.log(`  -> Job page: ${base}/jobs/${signal.jobId}`);
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

/** Follows the stream (`jobId=` or `runId=`), calling onSignal per change; reconnects after a drop. */
async function follow(query, onSignal) {
  for (;;) {
    let response;
    try {
      response = await fetch(`${base}/api/v1/stream/signals?${query}`, {
        headers: { ...headers, accept: 'text/event-stream' },
      });
    } catch {
      await sleep(3000);
      continue;
    }
    if (response.status === 401) fail(`the stream refused the token\n${howToSignIn()}`);
    if (!response.ok || !response.body) fail(`stream answered ${response.status}`);
    const parser = createParser({
      onEvent(event) {
        if (event.event === 'signal') onSignal(JSON.parse(event.data));
      },
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
    } catch {
      // connection dropped: reconnect below
    }
    await sleep(1000);
  }
}

/** The signal a target names: a job id, a job's id prefix (8+ characters), or a run id. */
async function resolve(kind, id) {
  if (kind === 'run') {
    const response = await request(`${base}/api/v1/runs/${id}/signal`);
    if (response.status === 204) {
      console.log(`Run ${id} has no jobs yet.`);
      process.exit(0);
    }
    if (response.status === 404) fail(`no run ${id} in your tenants`);
    if (!response.ok) await failed(response);
    return { response, stream: `runId=${id}` };
  }
  if (UUID.test(id)) {
    const response = await request(`${base}/api/v1/jobs/${id}/signal`);
    if (response.ok) return { response, stream: `jobId=${id}` };
    if (response.status !== 404) await failed(response);
    // Not a job: perhaps a run.
    return resolve('run', id);
  }
  const found = await request(`${base}/api/v1/jobs?q=${encodeURIComponent(id.toLowerCase())}&limit=20`);
  if (!found.ok) await failed(found);
  const { jobs } = await found.json();
  const prefix = id.toLowerCase();
  const byJob = jobs.filter((j) => j.jobId.startsWith(prefix));
  const runs = [...new Set(jobs.filter((j) => j.runId?.startsWith(prefix)).map((j) => j.runId))];
  if (byJob.length === 1) return resolve('job', byJob[0].jobId);
  if (byJob.length === 0 && runs.length === 1) return resolve('run', runs[0]);
  if (byJob.length === 0 && runs.length === 0) fail(`no job or run starting with ${id} in your tenants`);
  console.error(`ttfs: ${id} matches several jobs; give more characters:`);
  for (const j of byJob) console.error(`  ${j.jobId}  ${j.kind.padEnd(11)} ${j.summary}`);
  process.exit(2);
}

if (command === 'login') await login();
if (command === 'logout') logout();
if (command !== 'signal' && command !== 'run') usage(command ? `unknown command "${command}"` : undefined);
if (!target) usage(`${command} needs an id`);
if (command === 'run' && !UUID.test(target)) usage('a run id is a full UUID');
if (command === 'signal' && !UUID.test(target) && !PREFIX.test(target))
  usage('give a job id, its first 8 characters or more, or a run id');

const { response, stream } = await resolve(command === 'run' ? 'run' : 'job', target);
const signal = await response.json();
const source = response.headers.get('x-firstsignal-source') ?? 'snapshot';
print(signal);
await report(signal, source);

if (!flag('watch') || TERMINAL.includes(signal.kind)) exitFor(signal);

let last = JSON.stringify(signal);
await follow(stream, (next) => {
  const text = JSON.stringify(next);
  if (text === last) return;
  last = text;
  print(next);
  if (TERMINAL.includes(next.kind)) exitFor(next);
});
