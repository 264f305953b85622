import { authorize } from '@/lib/auth';
import { handle } from '@/lib/errors';
import { MAX_BODY_BYTES } from '@/lib/schemas/telemetry';
import { ingestTelemetry } from '@/lib/telemetry/ingest';
import { readJsonBody } from '@/lib/telemetry/read-body';

export const dynamic = 'force-dynamic';

// The machine lane (lib/http/machine-lane.ts) answers this route in production
// with the same ingestTelemetry; this handler serves `next dev` and any server
// started without the lane.
export const POST = handle(async (request: Request) => {
  const viewer = await authorize(request, { scope: 'telemetry:write' });
  const outcome = await ingestTelemetry(viewer, await readJsonBody(request, MAX_BODY_BYTES));
  return Response.json(outcome, { status: 202 });
});
