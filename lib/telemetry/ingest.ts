import { assertTenantWritable } from '@/lib/auth/authorize';
import type { Viewer } from '@/lib/auth/roles';
import { ApiError, fieldIssues } from '@/lib/errors';
import { metrics, observeIngested } from '@/lib/ops/metrics';
import { insertTtfsEvents } from '@/lib/queries/telemetry';
import {
  MAX_EVENTS_PER_REQUEST,
  ttfsBatch,
  ttfsEventV1,
  type IngestResult,
  type TtfsEventV1,
} from '@/lib/schemas/telemetry';
import { parseJsonBody } from './read-body';

// One ingest request, whichever transport carried it (route handler or machine
// lane): validate all of it, store all of it in one statement, or nothing.

/** Validates every item and lists each bad one by index and field path. */
export function parseBatch(body: unknown): TtfsEventV1[] {
  if (Array.isArray(body) && body.length > MAX_EVENTS_PER_REQUEST) {
    throw new ApiError(
      413,
      'too_many_events',
      `A request may carry at most ${MAX_EVENTS_PER_REQUEST} events; this one has ${body.length}. Split it into smaller batches.`,
    );
  }
  const parsed = ttfsBatch.safeParse(body);
  if (parsed.success) return parsed.data;
  const items = Array.isArray(body) ? body : [body];
  const errors = items.flatMap((item, index) => {
    const one = ttfsEventV1.safeParse(item);
    return one.success ? [] : fieldIssues(one.error).map((issue) => ({ index, ...issue }));
  });
  throw rejected(
    items.length,
    errors.length ? errors : fieldIssues(parsed.error).map((issue) => ({ index: null, ...issue })),
  );
}

function rejected(total: number, errors: { index: number | null; path: string; message: string }[]) {
  return new ApiError(
    422,
    'validation_failed',
    `${new Set(errors.map((e) => e.index)).size} of ${total} events are invalid; nothing from this request was stored.`,
    {
      stored: 0,
      errors,
    },
  );
}

function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (!text.isWellFormed())
    return 'must be well-formed Unicode (a lone surrogate such as \\ud800 cannot be stored)';
  return null;
}

/**
 * PostgreSQL text cannot hold U+0000 or a lone UTF-16 surrogate, which JSON can
 * only carry as escapes (\u0000, \ud800): look for them only when the raw
 * body contains a \u escape at all. Refused with the field path, never
 * silently replaced on the way to the database.
 */
function assertStorableText(body: Buffer, events: TtfsEventV1[]) {
  if (!body.includes('\\u')) return;
  const errors: { index: number; path: string; message: string }[] = [];
  const visit = (value: unknown, index: number, path: string[]) => {
    if (typeof value === 'string') {
      const problem = unstorable(value);
      if (problem) errors.push({ index, path: path.join('.'), message: problem });
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const problem = unstorable(key);
        if (problem) errors.push({ index, path: [...path, key].join('.'), message: `keys ${problem}` });
        visit(inner, index, [...path, key]);
      }
    }
  };
  events.forEach((event, index) => visit(event, index, []));
  if (errors.length) throw rejected(events.length, errors);
}

export interface IngestOutcome extends IngestResult {
  received: number;
}

/** Parses, validates, authorizes per tenant and stores one request body. */
export async function ingestTelemetry(viewer: Viewer, body: Buffer): Promise<IngestOutcome> {
  const events = parseBatch(parseJsonBody(body));
  for (const tenantId of new Set(events.map((e) => e.tenant_id))) assertTenantWritable(viewer, tenantId);
  assertStorableText(body, events);
  const { accepted, duplicates, stored } = await insertTtfsEvents(events);
  // Only what this request stored: duplicates were counted when first stored.
  observeIngested(stored);
  metrics.ingestEvents.inc({ result: 'accepted' }, accepted);
  if (duplicates) metrics.ingestEvents.inc({ result: 'duplicate' }, duplicates);
  return { accepted, duplicates, received: events.length };
}
