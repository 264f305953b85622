import { z } from 'zod';
import { SCOPES } from '@/lib/auth/roles';

export const CreateTokenSchema = z.object({
  name: z.string().trim().min(1, 'Give the token a name').max(80),
  tenantId: z.uuid(),
  scopes: z.array(z.enum(SCOPES)).min(1, 'Pick at least one scope'),
  /** Days until the token stops working (default 90). */
  expiresInDays: z.number().int().min(1, 'At least 1 day').max(365, 'At most 365 days').default(90),
});
export type CreateTokenInput = z.infer<typeof CreateTokenSchema>;

/** A person's own token for the CLI (POST /api/v1/me/tokens). */
export const CreatePersonalTokenSchema = z.object({
  name: z.string().trim().min(1, 'Give the token a name').max(80).default('ttfs CLI'),
  expiresInDays: z.number().int().min(1, 'At least 1 day').max(90, 'At most 90 days').default(30),
});

export const TokenIdSchema = z.uuid();
