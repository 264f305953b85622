import { authorize } from '@/lib/auth';
import { handle } from '@/lib/errors';
import { readBodyBytes } from '@/lib/http/json-body';
import { INGEST_BODY, ingestTelemetry } from '@/lib/telemetry/ingest';

export const dynamic = 'force-dynamic';

// The machine lane (lib/http/machine-lane.ts) answers this route in production
// with the same ingestTelemetry; this handler serves `next dev` and any server
// started without the lane.
export const POST = handle(async (request: Request) => {
  const viewer = await authorize(request, { scope: 'telemetry:write' });
  const outcome = await ingestTelemetry(viewer, await readBodyBytes(request, INGEST_BODY));
  return Response.json(outcome, { status: 202 });
});
