import 'server-only';
import { maintenanceSql, sql } from '@/lib/db';
import type { IngestResult, TtfsEventV1 } from '@/lib/schemas/telemetry';

/**
 * Stores a validated batch in one statement (so one transaction): all of it or
 * none of it. Events carrying an event_id already stored for their tenant are
 * skipped, so a retried batch never counts twice. When this resolves the rows
 * are committed: an acknowledged event is durable.
 *
 * The batch travels column by column: one PostgreSQL array literal per column,
 * expanded row by row by a multi-argument unnest(). A typed array is parsed by
 * each type's own input function with no per-row projection: cheaper in the
 * database than one JSON text. A column no event sets is sent as NULL: unnest()
 * pads it with NULLs.
 *
 * Most batches hold no duplicate, and speculative insertion (ON CONFLICT) has a
 * cost per row, so the statement first runs without it; only when the unique
 * key says an event_id is taken does it run again, skipping duplicates. The
 * failed attempt stored nothing (one statement).
 */
export async function insertTtfsEvents(events: TtfsEventV1[]): Promise<StoredBatch> {
  const columns = toColumns(events);
  try {
    const accepted = await insertBatch(columns);
    return { accepted, duplicates: events.length - accepted, stored: events };
  } catch (error) {
    if (!takenEventId(error)) throw error;
  }
  const ids = new Set(await insertSkippingDuplicates(columns));
  // The events this statement stored: each stored event_id once (the first in
  // the batch carrying it), and every event without an event_id.
  const stored = events.filter((e) => {
    if (!e.event_id) return true;
    const key = `${e.tenant_id}/${e.event_id}`;
    return ids.delete(key);
  });
  return { accepted: stored.length, duplicates: events.length - stored.length, stored };
}

/** The outcome of insertTtfsEvents, with the events it stored (not the skipped duplicates). */
export interface StoredBatch extends IngestResult {
  stored: TtfsEventV1[];
}

type Field = keyof TtfsEventV1;

/**
 * The stored columns in parameter order: the wire field (the column's name
 * unless `column` says otherwise), its array type, and the value used when no
 * event sets it. `bare` values are written unquoted: UUIDs, enumerations,
 * integers and booleans, whose validated forms hold no character an array
 * literal treats specially.
 */
const COLUMNS: { field: Field; column?: string; type: string; bare: boolean; fallback?: string }[] = [
  { field: 'event_id', type: 'uuid', bare: true },
  { field: 'timestamp', column: 'ts', type: 'timestamptz', bare: false, fallback: 'now()' },
  { field: 'tenant_id', type: 'uuid', bare: true },
  { field: 'job_id', type: 'uuid', bare: true },
  { field: 'run_id', type: 'uuid', bare: true },
  { field: 'surface', type: 'text', bare: true },
  { field: 'event_type', type: 'text', bare: true },
  { field: 'ttfs_ms', type: 'int', bare: true },
  { field: 'cache_hit', type: 'boolean', bare: true, fallback: 'false' },
  { field: 'signal_source', type: 'text', bare: true },
  { field: 'kind', type: 'text', bare: true },
  { field: 'phase', type: 'text', bare: true },
  { field: 'network_state', type: 'text', bare: false },
  { field: 'device', type: 'text', bare: false },
  { field: 'release', type: 'text', bare: false },
  { field: 'correlation_id', type: 'text', bare: false },
  { field: 'trace_id', type: 'text', bare: false },
  { field: 'span_id', type: 'text', bare: false },
  { field: 'error_code', type: 'text', bare: false },
  { field: 'error_message', type: 'text', bare: false },
  { field: 'metadata', type: 'jsonb', bare: false, fallback: "'{}'" },
];

const columnNames = COLUMNS.map((c) => c.column ?? c.field);
const names = columnNames.join(', ');
const INSERT = `
  with inserted as (
    insert into scheduler.ttfs_events (${names})
    select ${COLUMNS.map((c, i) => (c.fallback ? `coalesce(${columnNames[i]}, ${c.fallback})` : columnNames[i])).join(', ')}
    from unnest(${COLUMNS.map((c, i) => `$${i + 1}::text::${c.type}[]`).join(', ')}) as r(${names})
    %conflict%
  )
  %result%`;
const INSERT_NEW = INSERT.replace('%conflict%', 'returning 1').replace(
  '%result%',
  'select count(*)::int as accepted from inserted',
);
// Which events were stored: the caller records metrics for those only.
const INSERT_SKIPPING_DUPLICATES = INSERT.replace(
  '%conflict%',
  'on conflict (tenant_id, event_id) where event_id is not null do nothing returning tenant_id, event_id',
).replace(
  '%result%',
  "select coalesce(array_agg(tenant_id::text || '/' || coalesce(event_id::text, '')), '{}') as stored from inserted",
);

/** Inside double quotes an array literal gives meaning only to `"` and `\`. */
function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** One array literal per column, or null for a column no event sets. */
function toColumns(events: TtfsEventV1[]): (string | null)[] {
  return COLUMNS.map(({ field, bare }) => {
    let literal = '{';
    let present = false;
    for (let i = 0; i < events.length; i++) {
      const value = events[i]![field];
      if (i > 0) literal += ',';
      if (value === undefined || value === null) {
        literal += 'NULL';
        continue;
      }
      present = true;
      if (typeof value === 'object') literal += quoted(JSON.stringify(value));
      else if (bare) literal += String(value);
      else literal += quoted(value as string);
    }
    return present ? `${literal}}` : null;
  });
}

/**
 * Whether the error is the idempotency key refusing an event_id already stored. On Citus the
 * shard's index reports it (ux_ttfs_events_tenant_event_<shard id>), from a routed insert without
 * the constraint field, and from a batch copied to several shards as XX000: read the message.
 */
function takenEventId(error: unknown): boolean {
  const e = error as { code?: string; constraint_name?: string; message?: string };
  if (e.code !== '23505' && e.code !== 'XX000') return false;
  const name =
    e.constraint_name ??
    /^duplicate key value violates unique constraint "([^"]+)"/.exec(e.message ?? '')?.[1];
  return /^ux_ttfs_events_tenant_event(_\d+)?$/.test(name ?? '');
}

async function insertBatch(columns: (string | null)[]): Promise<number> {
  const [result] = await sql.unsafe<[{ accepted: number }]>(INSERT_NEW, columns, { prepare: true });
  return result.accepted;
}

/** Stores the batch without the events already stored; returns "tenant/event_id" of each stored event. */
async function insertSkippingDuplicates(columns: (string | null)[]): Promise<string[]> {
  const [result] = await sql.unsafe<[{ stored: string[] }]>(INSERT_SKIPPING_DUPLICATES, columns, {
    prepare: true,
  });
  return result.stored;
}

/** Moves pending rollup deltas into the rollups; returns the number of cells touched. */
export async function foldRollups(): Promise<number> {
  const [row] = await maintenanceSql<[{ moved: number }]>`select scheduler.ttfs_rollup_fold()::int as moved`;
  return row.moved;
}
