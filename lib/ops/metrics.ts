// The console's Prometheus metrics (prom-client), one registry per process kept
// on globalThis: Next.js bundles route handlers and instrumentation separately,
// and the machine lane records into the same instances. Prometheus sums the
// instances; counters only grow.
//
// The TTFS families and their labels are the scanning platform's catalogue, so
// its alert rules and dashboards work unchanged (docs/compat.md). Every label
// value is bounded: enumerations from the schema, tenants and error codes
// capped per process, HTTP routes by their pattern (never the raw path).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SIGNAL_KINDS, SIGNAL_PHASES, SIGNAL_SOURCES } from '@/lib/schemas/signal';
import { SURFACES } from '@/lib/schemas/telemetry';

export const TTFS_LABELS = ['surface', 'cache_hit', 'signal_source', 'kind', 'phase', 'tenant_id'] as const;
const ERROR_LABELS = [...TTFS_LABELS, 'error_type', 'error_code'] as const;
type TtfsLabels = Record<(typeof TTFS_LABELS)[number], string>;

/** The objective one breach is counted against: a rendered signal slower than this. */
const BREACH_SECONDS = 5;
/** Distinct tenant_id / error_code label values one process keeps; later ones are labelled "other". */
export const MAX_TENANT_LABELS = 1000;
export const MAX_ERROR_CODE_LABELS = 200;
/** A label value for what an event did not say (no kind, no error code...). */
export const NONE = 'none';
export const OTHER = 'other';

function createRegistry() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    ttfsLatency: new Histogram({
      name: 'ttfs_latency_seconds',
      help: 'Time to first signal of the measurement events ingested through this instance.',
      labelNames: TTFS_LABELS,
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60],
      registers,
    }),
    signals: new Counter({
      name: 'ttfs_signal_total',
      help: 'First-signal outcomes (measurement events: every event type but signal.start) ingested through this instance.',
      labelNames: TTFS_LABELS,
      registers,
    }),
    breaches: new Counter({
      name: 'ttfs_slo_breach_total',
      help: 'Rendered first signals slower than the 5 s objective, one per signal.',
      labelNames: TTFS_LABELS,
      registers,
    }),
    cacheHits: new Counter({
      name: 'ttfs_cache_hit_total',
      help: 'First-signal outcomes served from a cached snapshot (cache_hit true).',
      labelNames: TTFS_LABELS,
      registers,
    }),
    cacheMisses: new Counter({
      name: 'ttfs_cache_miss_total',
      help: 'First-signal outcomes not served from a cached snapshot (cache_hit false).',
      labelNames: TTFS_LABELS,
      registers,
    }),
    errors: new Counter({
      name: 'ttfs_error_total',
      help: 'First signals that timed out (error_type timeout) or failed (error_type error).',
      labelNames: ERROR_LABELS,
      registers,
    }),
    ingestEvents: new Counter({
      name: 'ttfs_ingest_events_total',
      help: 'Events received by the ingest API: accepted, or skipped as duplicates.',
      labelNames: ['result'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'ttfs_http_request_duration_seconds',
      help: 'API request duration by method, route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    sseOpenStreams: new Gauge({
      name: 'ttfs_sse_open_streams',
      help: 'Open Server-Sent Events streams of this instance.',
      registers,
    }),
    listenConnections: new Gauge({
      name: 'ttfs_listen_connections',
      help: 'LISTEN connections of this instance (1 when healthy).',
      registers,
    }),
    dbPoolMax: new Gauge({
      name: 'ttfs_db_pool_max',
      help: "Connections this instance may open: its pool and the lookup batches' connections.",
      registers,
    }),
    dbConnections: new Gauge({
      name: 'ttfs_db_connections',
      help: 'Console connections to PostgreSQL (all instances) by state.',
      labelNames: ['state'],
      registers,
    }),
    dbUp: new Gauge({ name: 'ttfs_db_up', help: 'Whether this instance reaches PostgreSQL.', registers }),
    residentMemory: new Gauge({
      name: 'process_resident_memory_bytes',
      help: 'Resident memory of this instance.',
      registers,
    }),
    /** Label values admitted so far (bounded by MAX_*_LABELS). */
    tenantLabels: new Set<string>(),
    errorCodeLabels: new Set<string>(),
    initialized: null as Promise<void> | null,
    /** Scrapes answered so far; a TTFS counter series is born in the generation it was created in. */
    generation: 0,
    born: new Map<string, number>(),
    /** Counts of series not yet exported at 0 by a scrape, held back until one has been. */
    held: new Map<string, { counter: Counter<string>; labels: Record<string, string>; amount: number }>(),
  };
}

const globalForMetrics = globalThis as unknown as { ttfsPromMetrics?: ReturnType<typeof createRegistry> };
export const metrics = (globalForMetrics.ttfsPromMetrics ??= createRegistry());

const KNOWN_SURFACES = new Set<string>(SURFACES);
const KNOWN_SOURCES = new Set<string>(SIGNAL_SOURCES);
const KNOWN_KINDS = new Set<string>(SIGNAL_KINDS);
const KNOWN_PHASES = new Set<string>(SIGNAL_PHASES);
const ERROR_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

const known = (set: Set<string>, value: string | null | undefined) =>
  value == null ? NONE : set.has(value) ? value : OTHER;

function admitted(set: Set<string>, max: number, value: string): string {
  if (set.has(value)) return value;
  if (set.size >= max) return OTHER;
  set.add(value);
  return value;
}

function tenantLabel(tenantId: string): string {
  return admitted(metrics.tenantLabels, MAX_TENANT_LABELS, tenantId.toLowerCase());
}

function errorCodeLabel(code: string | null | undefined): string {
  if (code == null || code === '') return NONE;
  if (!ERROR_CODE.test(code)) return OTHER;
  return admitted(metrics.errorCodeLabels, MAX_ERROR_CODE_LABELS, code);
}

export interface ObservedEvent {
  tenant_id: string;
  surface: string;
  event_type: string;
  ttfs_ms: number;
  cache_hit: boolean;
  signal_source?: string | null;
  kind?: string | null;
  phase?: string | null;
  error_code?: string | null;
}

function ttfsLabels(e: Omit<ObservedEvent, 'event_type' | 'ttfs_ms' | 'error_code'>): TtfsLabels {
  return {
    surface: known(KNOWN_SURFACES, e.surface),
    cache_hit: String(e.cache_hit === true),
    signal_source: known(KNOWN_SOURCES, e.signal_source),
    kind: known(KNOWN_KINDS, e.kind),
    phase: known(KNOWN_PHASES, e.phase),
    tenant_id: tenantLabel(e.tenant_id),
  };
}

/**
 * Adds to a TTFS counter so that `rate()` and `increase()` see the first event
 * of every series, not only of those exported at 0 at start: Prometheus needs a
 * sample before the first event to see it grow. A series is created at 0, and
 * its counts are held back until one scrape has exported it at 0; the next
 * scrape shows them (one scrape interval late, for a new series only). Label
 * objects are always built with their keys in one order.
 */
function count(counter: Counter<string>, labels: Record<string, string>, amount: number) {
  // prom-client keeps the metric's name on the instance (not in its typings).
  const key = `${(counter as unknown as { name: string }).name}\u0002${Object.values(labels).join('\u0001')}`;
  const born = metrics.born.get(key);
  if (born === undefined) {
    counter.inc(labels, 0);
    metrics.born.set(key, metrics.generation);
  } else if (born < metrics.generation) {
    if (amount) counter.inc(labels, amount);
    return;
  }
  if (!amount) return;
  const held = metrics.held.get(key);
  if (held) held.amount += amount;
  else metrics.held.set(key, { counter, labels, amount });
}

interface Tally {
  labels: TtfsLabels;
  signals: number;
  hits: number;
  misses: number;
  breaches: number;
}

/**
 * Records stored events. Measurement events (all but `signal.start`) are first-
 * signal outcomes: each is one signal, one latency observation and one cache hit
 * or miss; a timeout or error is also one error; a rendered signal slower than
 * the 5 s objective is one breach. A batch's counts are added up per label set
 * first: prom-client hashes the labels on every call, the hot part of ingest.
 */
export function observeIngested(events: ObservedEvent[]) {
  const tallies = new Map<string, Tally>();
  for (const e of events) {
    if (e.event_type === 'signal.start') continue;
    const key = `${e.tenant_id}\u0001${e.surface}\u0001${e.cache_hit === true}\u0001${e.signal_source}\u0001${e.kind}\u0001${e.phase}`;
    let tally = tallies.get(key);
    if (!tally) {
      tally = { labels: ttfsLabels(e), signals: 0, hits: 0, misses: 0, breaches: 0 };
      tallies.set(key, tally);
    }
    tally.signals++;
    if (e.cache_hit === true) tally.hits++;
    else tally.misses++;
    metrics.ttfsLatency.observe(tally.labels, e.ttfs_ms / 1000);
    if (e.event_type === 'signal.timeout' || e.event_type === 'signal.error')
      count(
        metrics.errors,
        {
          ...tally.labels,
          error_type: e.event_type.slice('signal.'.length),
          error_code: errorCodeLabel(e.error_code),
        },
        1,
      );
    if (e.event_type === 'signal.rendered' && e.ttfs_ms > BREACH_SECONDS * 1000) tally.breaches++;
  }
  for (const { labels, signals, hits, misses, breaches } of tallies.values()) {
    count(metrics.signals, labels, signals);
    count(metrics.cacheHits, labels, hits);
    count(metrics.cacheMisses, labels, misses);
    count(metrics.breaches, labels, breaches);
  }
}

/** One label set of the TTFS families, as a start-up query reads it. */
export interface KnownSeries extends Omit<ObservedEvent, 'event_type' | 'ttfs_ms'> {
  error_code?: string | null;
}

/**
 * Exports every TTFS counter at 0 for each label set given, so `rate()` and
 * `increase()` see its first event (a series that appears at 1 has no earlier
 * sample to grow from). Counts nothing: an existing series keeps its value.
 */
export function zeroSeries(sets: KnownSeries[]) {
  for (const set of sets) {
    const labels = ttfsLabels(set);
    count(metrics.signals, labels, 0);
    count(metrics.breaches, labels, 0);
    count(metrics.cacheHits, labels, 0);
    count(metrics.cacheMisses, labels, 0);
    for (const error_type of ['timeout', 'error'])
      count(metrics.errors, { ...labels, error_type, error_code: errorCodeLabel(set.error_code) }, 0);
  }
}

/** The label sets known at start: each tenant on each surface, hit and miss, plus what recent events used. */
export function baselineSeries(tenantIds: string[]): KnownSeries[] {
  return tenantIds.flatMap((tenant_id) =>
    SURFACES.flatMap((surface) => [true, false].map((cache_hit) => ({ tenant_id, surface, cache_hit }))),
  );
}

/**
 * Runs `load` once per process (again after a failure) and zeroes what it
 * returns; the metrics route awaits it before its first answer.
 */
export function initializeSeries(load: () => Promise<KnownSeries[]>): Promise<void> {
  metrics.initialized ??= load().then(zeroSeries, (error: unknown) => {
    metrics.initialized = null;
    throw error;
  });
  return metrics.initialized;
}

/**
 * The label of a request to a route handler: the route's pattern, each dynamic
 * segment as `:id` (`/api/v1/jobs/6f1c…/signal` -> `/api/v1/jobs/:id/signal`),
 * whatever the caller put in it. Only paths Next.js routed to a handler get
 * here, so the labels are bounded by the handlers and their parameters; a
 * parameter that cannot be placed gives `(unmatched)`, never the raw path.
 */
export function routeLabel(pathname: string, params: Record<string, string | string[] | undefined> = {}) {
  const pending = Object.values(params).flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
  if (pending.length === 0) return pathname;
  const out: string[] = [];
  for (const segment of pathname.split('/')) {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      // left as sent
    }
    const at = pending.findIndex((value) => value === segment || value === decoded);
    if (at === -1) out.push(segment);
    else {
      pending.splice(at, 1);
      // A catch-all's several segments become one.
      if (out.at(-1) !== ':id') out.push(':id');
    }
  }
  return pending.length ? UNMATCHED_ROUTE : out.join('/');
}

export const UNMATCHED_ROUTE = '(unmatched)';

/** The text exposition of every metric (Prometheus format 0.0.4). */
export async function scrape(): Promise<string> {
  // Counts held back for series that the previous scrape exported at 0.
  for (const [key, held] of metrics.held) {
    if (metrics.born.get(key)! >= metrics.generation) continue;
    held.counter.inc(held.labels, held.amount);
    metrics.held.delete(key);
  }
  const text = await metrics.registry.metrics();
  metrics.generation++;
  return text;
}

export const CONTENT_TYPE = metrics.registry.contentType;
