import { z } from 'zod';
import { SCOPES } from '@/lib/auth/roles';

/** Expiry choices offered for a tenant's token, in days. */
export const TOKEN_EXPIRY_DAYS = [7, 30, 90, 180, 365] as const;
export const TOKEN_MAX_DAYS = 365;
export const DEFAULT_TOKEN_EXPIRY_DAYS = 90;
/** Personal tokens (a person's own, for the CLI) live at most this long. */
export const PERSONAL_TOKEN_EXPIRY_DAYS = [7, 30, 90] as const;
export const PERSONAL_TOKEN_MAX_DAYS = 90;
export const DEFAULT_PERSONAL_TOKEN_DAYS = 30;

const expiresInDays = (max: number, fallback: number) =>
  z.number().int().min(1, 'At least 1 day').max(max, `At most ${max} days`).default(fallback);

export const CreateTokenSchema = z.object({
  name: z.string().trim().min(1, 'Give the token a name').max(80),
  tenantId: z.uuid(),
  scopes: z.array(z.enum(SCOPES)).min(1, 'Pick at least one scope'),
  /** Days until the token stops working. */
  expiresInDays: expiresInDays(TOKEN_MAX_DAYS, DEFAULT_TOKEN_EXPIRY_DAYS),
});
export type CreateTokenInput = z.infer<typeof CreateTokenSchema>;

/** A person's own token for the CLI (POST /api/v1/me/tokens). */
export const CreatePersonalTokenSchema = z.object({
  name: z.string().trim().min(1, 'Give the token a name').max(80).default('ttfs CLI'),
  expiresInDays: expiresInDays(PERSONAL_TOKEN_MAX_DAYS, DEFAULT_PERSONAL_TOKEN_DAYS),
});

export const TokenIdSchema = z.uuid();
