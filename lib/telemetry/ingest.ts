import { assertTenantWritable } from '@/lib/auth/authorize';
import type { Viewer } from '@/lib/auth/roles';
import { ApiError, fieldIssues } from '@/lib/errors';
import { metrics, observeIngested } from '@/lib/ops/metrics';
import { insertTtfsEvents } from '@/lib/queries/telemetry';
import {
  MAX_BODY_BYTES,
  MAX_EVENTS_PER_REQUEST,
  ttfsBatch,
  ttfsEventV1,
  type IngestResult,
  type TtfsEventV1,
} from '@/lib/schemas/telemetry';
import { parseJsonBody, type JsonBodyOptions } from '@/lib/http/json-body';

/** How ingest bodies are read: JSON only, at most 1 MiB. */
export const INGEST_BODY: JsonBodyOptions = { limit: MAX_BODY_BYTES, requireJsonType: true };

// One ingest request, whichever transport carried it (route handler or machine
// lane): validate all of it, store all of it in one statement, or nothing.

/** Validates every item and lists each bad one by index and field path. */
function parseBatch(body: unknown): TtfsEventV1[] {
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

/**
 * The body as JSON (lib/http/json-body.ts); its field issues (nested too deep,
 * text PostgreSQL cannot store) named by event index and path, like zod's.
 */
function parseEvents(body: Buffer): unknown {
  return parseJsonBody(body, (issues, value) => {
    const items = Array.isArray(value) ? value : [value];
    return rejected(
      items.length,
      issues.map(({ path, message }) => {
        if (!Array.isArray(value)) return { index: 0, path, message };
        const dot = path.indexOf('.');
        return {
          index: Number(dot < 0 ? path : path.slice(0, dot)),
          path: dot < 0 ? '(root)' : path.slice(dot + 1),
          message,
        };
      }),
    );
  });
}

export interface IngestOutcome extends IngestResult {
  received: number;
}

/** Parses, validates, authorizes per tenant and stores one request body. */
export async function ingestTelemetry(viewer: Viewer, body: Buffer): Promise<IngestOutcome> {
  const events = parseBatch(parseEvents(body));
  for (const tenantId of new Set(events.map((e) => e.tenant_id))) assertTenantWritable(viewer, tenantId);
  const { accepted, duplicates, stored } = await insertTtfsEvents(events);
  // Only what this request stored: duplicates were counted when first stored.
  observeIngested(stored);
  metrics.ingestEvents.inc({ result: 'accepted' }, accepted);
  if (duplicates) metrics.ingestEvents.inc({ result: 'duplicate' }, duplicates);
  return { accepted, duplicates, received: events.length };
}
