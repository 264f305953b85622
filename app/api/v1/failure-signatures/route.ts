import { assertTenantWritable, authorize } from '@/lib/auth';
import { handle } from '@/lib/errors';
import { createSignature, listSignatures } from '@/lib/queries/signatures';
import { listTenants } from '@/lib/queries/tenants';
import { signatureCreate, signatureListFilters } from '@/lib/schemas/signature';
import { readJson } from '@/lib/http/json-body';
import { selectedTenants } from '@/lib/tenant-scope';
import { queryParams } from '@/lib/http/query';

export const dynamic = 'force-dynamic';

export const GET = handle(async (request: Request) => {
  const viewer = await authorize(request, { role: 'admin' });
  const search = queryParams(request);
  const { ids } = selectedTenants(await listTenants(viewer), search.tenant);
  const result = await listSignatures(ids, signatureListFilters.parse(search));
  return Response.json(result);
});

export const POST = handle(async (request: Request) => {
  const viewer = await authorize(request, { role: 'admin' });
  const input = signatureCreate.parse(await readJson(request));
  assertTenantWritable(viewer, input.tenant_id);
  return Response.json(await createSignature(viewer, input), { status: 201 });
});
