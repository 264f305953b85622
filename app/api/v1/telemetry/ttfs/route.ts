import { assertTenantWritable, authorize } from '@/lib/auth';
import { ApiError, fieldIssues, handle } from '@/lib/errors';
import { metrics, observeIngested } from '@/lib/ops/metrics';
import { insertTtfsEvents } from '@/lib/queries/telemetry';
import { MAX_BODY_BYTES, MAX_EVENTS_PER_REQUEST, ttfsBatch, ttfsEventV1 } from '@/lib/schemas/telemetry';
import { readJsonBody } from '@/lib/telemetry/read-body';

export const dynamic = 'force-dynamic';

/** Validates every item and lists each bad one by index and field path. */
function parseBatch(body: unknown) {
  if (Array.isArray(body) && body.length > MAX_EVENTS_PER_REQUEST) {
    throw new ApiError(413, 'too_many_events', `A request may carry at most ${MAX_EVENTS_PER_REQUEST} events; this one has ${body.length}. Split it into smaller batches.`);
  }
  const parsed = ttfsBatch.safeParse(body);
  if (parsed.success) return parsed.data;
  const items = Array.isArray(body) ? body : [body];
  const errors = items.flatMap((item, index) => {
    const one = ttfsEventV1.safeParse(item);
    return one.success ? [] : fieldIssues(one.error).map((issue) => ({ index, ...issue }));
  });
  throw new ApiError(422, 'validation_failed', `${new Set(errors.map((e) => e.index)).size} of ${items.length} events are invalid; nothing from this request was stored.`, {
    stored: 0,
    errors: errors.length ? errors : fieldIssues(parsed.error).map((issue) => ({ index: null, ...issue })),
  });
}

export const POST = handle(async (request: Request) => {
  const viewer = await authorize(request, { scope: 'telemetry:write' });
  const events = parseBatch(await readJsonBody(request, MAX_BODY_BYTES));
  for (const tenantId of new Set(events.map((e) => e.tenant_id))) assertTenantWritable(viewer, tenantId);
  const result = await insertTtfsEvents(events);
  // Duplicates were counted when first accepted.
  if (result.duplicates === 0) observeIngested(events);
  metrics.ingestEvents.inc({ result: 'accepted' }, result.accepted);
  if (result.duplicates) metrics.ingestEvents.inc({ result: 'duplicate' }, result.duplicates);
  return Response.json({ ...result, received: events.length }, { status: 202 });
});
