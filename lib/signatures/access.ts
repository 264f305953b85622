import 'server-only';
import { canSeeTenant, type Viewer } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { getSignature } from '@/lib/queries/signatures';

/** The signature when the viewer may see its tenant; 404 otherwise (never reveal existence). */
export async function visibleSignature(viewer: Viewer, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw ApiError.validation([{ path: 'id', message: 'must be a UUID' }]);
  const row = await getSignature(id);
  if (!row || !canSeeTenant(viewer, row.tenantId)) throw ApiError.notFound('signature');
  return row;
}
