// A small Prometheus registry (text exposition format 0.0.4), kept per process
// on globalThis. Prometheus sums the instances; each counter is monotonic.

type Labels = Record<string, string>;

// Hot path (every ingested event): each metric is always called with its labels in one order.
const key = (labels: Labels) => Object.values(labels).join('\u0001');
const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const render = (labels: Labels, extra: Labels = {}) => {
  const all = { ...labels, ...extra };
  const parts = Object.entries(all).map(([k, v]) => `${k}="${escape(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

class Counter {
  readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1) {
    const k = key(labels);
    const entry = this.values.get(k) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(k, entry);
  }
  expose() {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values())
      lines.push(`${this.name}${render(labels)} ${value}`);
    return lines.join('\n');
  }
}

class Histogram {
  readonly values = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {}
  observe(labels: Labels, value: number) {
    const k = key(labels);
    const entry = this.values.get(k) ?? { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
    this.buckets.forEach((le, i) => {
      if (value <= le) entry.counts[i]!++;
    });
    entry.sum += value;
    entry.count++;
    this.values.set(k, entry);
  }
  expose() {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const { labels, counts, sum, count } of this.values.values()) {
      this.buckets.forEach((le, i) =>
        lines.push(`${this.name}_bucket${render(labels, { le: String(le) })} ${counts[i]}`),
      );
      lines.push(`${this.name}_bucket${render(labels, { le: '+Inf' })} ${count}`);
      lines.push(`${this.name}_sum${render(labels)} ${sum}`);
      lines.push(`${this.name}_count${render(labels)} ${count}`);
    }
    return lines.join('\n');
  }
}

function createRegistry() {
  return {
    ttfsLatency: new Histogram(
      'ttfs_latency_seconds',
      'Time to first signal reported through this instance (measurement events).',
      [0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60],
    ),
    signals: new Counter(
      'ttfs_signal_total',
      'TTFS events ingested through this instance, by surface and event type.',
    ),
    breaches: new Counter(
      'ttfs_slo_breach_total',
      'Rendered signals over an SLO threshold (p50: 2 s, p95: 5 s).',
    ),
    errors: new Counter('ttfs_error_total', 'Signal timeouts and errors reported through this instance.'),
    ingestEvents: new Counter(
      'ttfs_ingest_events_total',
      'Events received by the ingest API: accepted, or skipped as duplicates.',
    ),
    httpDuration: new Histogram(
      'ttfs_http_request_duration_seconds',
      'API request duration by method, route and status.',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
  };
}

const globalForMetrics = globalThis as unknown as { ttfsMetrics?: ReturnType<typeof createRegistry> };
export const metrics = (globalForMetrics.ttfsMetrics ??= createRegistry());

export interface ObservedEvent {
  surface: string;
  event_type: string;
  ttfs_ms: number;
  cache_hit: boolean;
  signal_source?: string | null;
  kind?: string | null;
  phase?: string | null;
}

export function observeIngested(events: ObservedEvent[]) {
  for (const e of events) {
    metrics.signals.inc({ surface: e.surface, event_type: e.event_type });
    if (e.event_type === 'signal.start') continue;
    metrics.ttfsLatency.observe(
      {
        surface: e.surface,
        cache_hit: String(e.cache_hit),
        signal_source: e.signal_source ?? 'none',
        kind: e.kind ?? 'none',
        phase: e.phase ?? 'none',
      },
      e.ttfs_ms / 1000,
    );
    if (e.event_type === 'signal.timeout' || e.event_type === 'signal.error')
      metrics.errors.inc({ surface: e.surface, type: e.event_type.replace('signal.', '') });
    if (e.event_type === 'signal.rendered') {
      if (e.ttfs_ms > 2000) metrics.breaches.inc({ surface: e.surface, objective: 'p50' });
      if (e.ttfs_ms > 5000) metrics.breaches.inc({ surface: e.surface, objective: 'p95' });
    }
  }
}

/** "/api/v1/jobs/6f1c…/signal" -> "/api/v1/jobs/:id/signal": bounded label values. */
export function routeLabel(pathname: string) {
  return pathname.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id');
}

export function exposition(gauges: { name: string; help: string; value: number; labels?: Labels }[]) {
  const parts = Object.values(metrics).map((m) => m.expose());
  for (const g of gauges)
    parts.push(
      `# HELP ${g.name} ${g.help}\n# TYPE ${g.name} gauge\n${g.name}${render(g.labels ?? {})} ${g.value}`,
    );
  return `${parts.join('\n')}\n`;
}
