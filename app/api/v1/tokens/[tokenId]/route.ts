import { authorize } from '@/lib/auth';
import { revokeApiToken } from '@/lib/auth/tokens';
import { ApiError, handle } from '@/lib/errors';
import { TokenIdSchema } from '@/lib/schemas/token';

export const dynamic = 'force-dynamic';

/** Revokes a token at once: the next request with it gets 401. */
export const DELETE = handle(
  async (request: Request, { params }: { params: Promise<{ tokenId: string }> }) => {
    const viewer = await authorize(request, { role: 'admin' });
    const id = TokenIdSchema.parse((await params).tokenId);
    if (!(await revokeApiToken(id, viewer.tenants, viewer.kind === 'user' ? viewer.id : null)))
      throw ApiError.notFound('token');
    return new Response(null, { status: 204 });
  },
);
