import { authorize, canSeeTenant } from '@/lib/auth';
import { ApiError, handle } from '@/lib/errors';
import { readJson } from '@/lib/http/json-body';
import { previewSignature } from '@/lib/queries/signatures';
import { previewRequest } from '@/lib/schemas/signature';

export const dynamic = 'force-dynamic';

/** Before saving: the recent failures (7 days) a pattern would have matched, and which another signature matches today. */
export const POST = handle(async (request: Request) => {
  const viewer = await authorize(request, { role: 'admin' });
  const input = previewRequest.parse(await readJson(request));
  if (!canSeeTenant(viewer, input.tenant_id)) throw ApiError.notFound('tenant');
  return Response.json(
    await previewSignature({
      tenantId: input.tenant_id,
      pattern: input.pattern,
      signatureId: input.signature_id,
    }),
    { headers: { 'Cache-Control': 'private, no-store' } },
  );
});
