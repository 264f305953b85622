import { authorize, canSeeTenant } from '@/lib/auth';
import { ApiError, handle } from '@/lib/errors';
import { explainMatch } from '@/lib/queries/signatures';
import { matchRequest } from '@/lib/schemas/signature';
import { readJson } from '@/lib/http/json-body';

export const dynamic = 'force-dynamic';

/** Which signature would match these failure facts, and why the others would not. */
export const POST = handle(async (request: Request) => {
  const viewer = await authorize(request, { role: 'admin' });
  const input = matchRequest.parse(await readJson(request));
  if (!canSeeTenant(viewer, input.tenant_id)) throw ApiError.notFound('tenant');
  return Response.json(await explainMatch(input));
});
