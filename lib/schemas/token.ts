import { z } from 'zod';
import { SCOPES } from '@/lib/auth/roles';

export const CreateTokenSchema = z.object({
  name: z.string().trim().min(1, 'Give the token a name').max(80),
  tenantId: z.uuid(),
  scopes: z.array(z.enum(SCOPES)).min(1, 'Pick at least one scope'),
});
export type CreateTokenInput = z.infer<typeof CreateTokenSchema>;

export const TokenIdSchema = z.uuid();
