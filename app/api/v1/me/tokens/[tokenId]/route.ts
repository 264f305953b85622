import { authorize } from '@/lib/auth';
import { revokePersonalToken } from '@/lib/auth/tokens';
import { ApiError, handle } from '@/lib/errors';
import { TokenIdSchema } from '@/lib/schemas/token';

export const dynamic = 'force-dynamic';

/** Revokes one of the person's own tokens: the next request with it gets 401. */
export const DELETE = handle(
  async (request: Request, { params }: { params: Promise<{ tokenId: string }> }) => {
    const viewer = await authorize(request, { role: 'support' });
    const id = TokenIdSchema.parse((await params).tokenId);
    if (!(await revokePersonalToken(id, viewer.id))) throw ApiError.notFound('token');
    return new Response(null, { status: 204 });
  },
);
