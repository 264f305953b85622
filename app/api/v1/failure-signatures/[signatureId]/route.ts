import { authorize } from '@/lib/auth';
import { handle } from '@/lib/errors';
import { deleteSignature, signatureHistory, updateSignature } from '@/lib/queries/signatures';
import { signaturePatch } from '@/lib/schemas/signature';
import { readJson } from '@/lib/http/json-body';
import { queryParams } from '@/lib/http/query';
import { visibleSignature } from '@/lib/signatures/access';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ signatureId: string }> };

export const GET = handle(async (request: Request, { params }: Context) => {
  const viewer = await authorize(request, { role: 'admin' });
  const row = await visibleSignature(viewer, (await params).signatureId);
  return Response.json({ ...row, history: await signatureHistory(row.id) });
});

export const PATCH = handle(async (request: Request, { params }: Context) => {
  const viewer = await authorize(request, { role: 'admin' });
  const row = await visibleSignature(viewer, (await params).signatureId);
  const patch = signaturePatch.parse(await readJson(request));
  return Response.json(await updateSignature(viewer, row.id, patch));
});

/** Disables by default; `?hard=true` deletes (the audit trail keeps what it was). */
export const DELETE = handle(async (request: Request, { params }: Context) => {
  const viewer = await authorize(request, { role: 'admin' });
  const row = await visibleSignature(viewer, (await params).signatureId);
  const search = queryParams(request);
  const result = await deleteSignature(viewer, row.id, search.hard === 'true', search.reason);
  return result ? Response.json(result) : new Response(null, { status: 204 });
});
