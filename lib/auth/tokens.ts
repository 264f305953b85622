import { cachedToken, cacheTicket, invalidateLocally, storeToken } from '@/lib/cache/lookup-cache';
import { sql } from '@/lib/db';
import {
  DEFAULT_PERSONAL_TOKEN_DAYS,
  DEFAULT_TOKEN_EXPIRY_DAYS,
  PERSONAL_TOKEN_MAX_DAYS,
} from '@/lib/schemas/token';
import { endStreamsOf, ensureHubListening } from '@/lib/signals/hub';
import { roleAtLeast, type Role, type Scope, type Viewer } from './roles';
import { looksLikeApiToken, newApiToken, sha256Hex } from './secrets';

export interface ApiTokenRow {
  id: string;
  tenantId: string | null;
  tenantName: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  /** Null for tokens made before expiries existed: they do not expire. */
  expiresAt: Date | null;
  expired: boolean;
}

/** Creates a token; the clear value is returned once and never stored. */
export async function createApiToken(input: {
  tenantId: string;
  name: string;
  scopes: Scope[];
  createdBy: string | null;
  expiresInDays?: number;
}) {
  const { token, prefix, hash } = newApiToken();
  const days = input.expiresInDays ?? DEFAULT_TOKEN_EXPIRY_DAYS;
  const [row] = await sql<{ id: string; createdAt: Date; expiresAt: Date }[]>`
    insert into console.api_tokens (tenant_id, name, token_prefix, token_hash, scopes, created_by, expires_at)
    values (${input.tenantId}, ${input.name}, ${prefix}, ${hash}, ${[...new Set(input.scopes)]}::text[], ${input.createdBy},
      now() + make_interval(days => ${days}))
    returning id, created_at as "createdAt", expires_at as "expiresAt"`;
  return { id: row!.id, token, prefix, createdAt: row!.createdAt, expiresAt: row!.expiresAt };
}

/**
 * A person's own token for the CLI: reads job signals and reports the CLI's
 * time to first signal, for the tenants the person has at each request (not a
 * copy taken now), and stops working when they are disabled or lose the
 * support role. Made from their signed-in session; no admin involved.
 */
export async function createPersonalToken(input: { userId: string; name: string; expiresInDays?: number }) {
  const { token, prefix, hash } = newApiToken();
  const days = Math.min(input.expiresInDays ?? DEFAULT_PERSONAL_TOKEN_DAYS, PERSONAL_TOKEN_MAX_DAYS);
  const [row] = await sql<{ id: string; createdAt: Date; expiresAt: Date }[]>`
    insert into console.personal_tokens (owner_user_id, name, token_prefix, token_hash, scopes, expires_at)
    values (${input.userId}, ${input.name}, ${prefix}, ${hash}, ${PERSONAL_SCOPES}::text[],
      now() + make_interval(days => ${days}))
    returning id, created_at as "createdAt", expires_at as "expiresAt"`;
  return { id: row!.id, token, prefix, createdAt: row!.createdAt, expiresAt: row!.expiresAt };
}

export const PERSONAL_SCOPES: Scope[] = ['signals:read', 'telemetry:write'];

export async function listPersonalTokens(userId: string): Promise<ApiTokenRow[]> {
  return sql<ApiTokenRow[]>`
    select t.id, null as "tenantId", 'your tenants' as "tenantName", t.name, t.token_prefix as prefix, t.scopes,
      null as "createdBy", t.created_at as "createdAt", t.last_used_at as "lastUsedAt", t.revoked_at as "revokedAt",
      t.expires_at as "expiresAt", t.expires_at <= now() as expired
    from console.personal_tokens t
    where t.owner_user_id = ${userId}
    order by t.revoked_at is not null, t.created_at desc`;
}

export async function revokePersonalToken(id: string, userId: string): Promise<boolean> {
  // Two statements, as in revokeApiToken: a token revoked before keeps its first revocation.
  await sql`
    update console.personal_tokens set revoked_at = now()
    where id = ${id} and owner_user_id = ${userId} and revoked_at is null`;
  const rows = await sql<{ hash: string }[]>`
    select token_hash as hash from console.personal_tokens where id = ${id} and owner_user_id = ${userId}`;
  return forgetRevoked(rows);
}

export async function listApiTokens(tenants: readonly string[] | 'all'): Promise<ApiTokenRow[]> {
  const all = tenants === 'all';
  const ids = all ? [] : [...tenants];
  return sql<ApiTokenRow[]>`
    select t.id, t.tenant_id as "tenantId", coalesce(tn.name, t.tenant_id::text) as "tenantName", t.name,
      t.token_prefix as prefix, t.scopes, u.display_name as "createdBy", t.created_at as "createdAt",
      t.last_used_at as "lastUsedAt", t.revoked_at as "revokedAt",
      t.expires_at as "expiresAt", coalesce(t.expires_at <= now(), false) as expired
    from console.api_tokens t
    left join console.tenants tn on tn.id = t.tenant_id
    left join console.users u on u.id = t.created_by
    where ${all} or t.tenant_id = any(${ids}::uuid[])
    order by t.revoked_at is not null, t.created_at desc`;
}

/**
 * Revokes a token of one of the given tenants. Returns false when there is no
 * such token (or it belongs to a tenant the caller cannot see). Takes effect on
 * the next request here, and on other instances as soon as the database's
 * invalidation message reaches them (lib/cache/lookup-cache.ts).
 */
export async function revokeApiToken(
  id: string,
  tenants: readonly string[] | 'all',
  revokedBy: string | null,
): Promise<boolean> {
  const all = tenants === 'all';
  const ids = all ? [] : [...tenants];
  // A token revoked before keeps its first revocation. (Two statements rather than coalesce()
  // with now(): Citus evaluates no now() inside an expression of a distributed UPDATE.)
  await sql`
    update console.api_tokens set revoked_at = now(), revoked_by = ${revokedBy}
    where id = ${id} and revoked_at is null and (${all} or tenant_id = any(${ids}::uuid[]))`;
  const rows = await sql<{ hash: string }[]>`
    select token_hash as hash from console.api_tokens
    where id = ${id} and (${all} or tenant_id = any(${ids}::uuid[]))`;
  return forgetRevoked(rows);
}

/** After a revocation: every cache forgets the token and its live streams end. False when there was none. */
async function forgetRevoked(rows: { hash: string }[]): Promise<boolean> {
  // Other instances forget it on NOTIFY: from a trigger on one server, from here on Citus.
  if (rows.length > 0) await sql`select scheduler.ttfs_notify_cache('{"tokens":"all"}')`;
  // This instance forgets the token now; the others on the NOTIFY.
  invalidateLocally({ tokens: 'all' });
  // Its open live streams end now here, within the recheck interval elsewhere.
  for (const { hash } of rows) endStreamsOf({ kind: 'token', hash });
  return rows.length > 0;
}

/**
 * The machine behind a bearer token when this process has it cached, without
 * waiting for anything; undefined when only the database can tell (including
 * for a malformed token, which tokenViewer then refuses).
 */
export function cachedTokenViewer(raw: string): Viewer | undefined {
  return looksLikeApiToken(raw) ? cachedViewer(sha256Hex(raw)) : undefined;
}

function cachedViewer(hash: string): Viewer | undefined {
  const cached = cachedToken<Viewer>(hash);
  if (!cached) return undefined;
  // An expiry passes without any write, so no invalidation tells the cache.
  if (cached.viewer.expiresAt !== undefined && cached.viewer.expiresAt <= Date.now()) return undefined;
  // "Last used" to the half minute, as below, without waiting for the write.
  if (Date.now() - cached.usedWrittenAt > 30_000) {
    cached.usedWrittenAt = Date.now();
    void touchToken(cached.viewer).catch(() => {});
  }
  return cached.viewer;
}

/** "Last used" of the token behind this viewer, in the table it lives in. */
function touchToken(viewer: Pick<Viewer, 'id' | 'tenants' | 'personal'>) {
  return viewer.personal
    ? sql`update console.personal_tokens set last_used_at = now() where id = ${viewer.id}`
    : sql`update console.api_tokens set last_used_at = now()
        where id = ${viewer.id} and tenant_id = ${(viewer.tenants as string[])[0]!}`;
}

interface TokenRow {
  id: string;
  name: string;
  tenantId: string | null;
  scopes: Scope[];
  stale: boolean;
  expiresAt: Date | null;
  owner: { all: boolean; tenants: string[]; role: Role; disabled: boolean } | null;
}

/**
 * The unrevoked, unexpired token with this hash: a tenant's token (console.api_tokens, one tenant
 * each) or else a person's own (console.personal_tokens, the owner's tenants at this request).
 * Two tables because on Citus tenant tokens are distributed by tenant and a personal token has
 * none (docs/security.md).
 */
async function findToken(hash: string): Promise<TokenRow | undefined> {
  const [tenantToken] = await sql<TokenRow[]>`
    select t.id, t.name, t.tenant_id as "tenantId", t.scopes, t.expires_at as "expiresAt",
      t.last_used_at is null or t.last_used_at < now() - interval '30 seconds' as stale, null as owner
    from console.api_tokens t
    where t.token_hash = ${hash} and t.revoked_at is null and (t.expires_at is null or t.expires_at > now())`;
  if (tenantToken) return tenantToken;
  const [personal] = await sql<TokenRow[]>`
    select t.id, t.name, null as "tenantId", t.scopes, t.expires_at as "expiresAt",
      t.last_used_at is null or t.last_used_at < now() - interval '30 seconds' as stale,
      jsonb_build_object('all', u.all_tenants, 'role', u.role, 'disabled', u.disabled_at is not null,
        'tenants', coalesce((select jsonb_agg(ut.tenant_id order by ut.tenant_id) from console.user_tenants ut where ut.user_id = u.id), '[]')) as owner
    from console.personal_tokens t
    join console.users u on u.id = t.owner_user_id
    where t.token_hash = ${hash} and t.revoked_at is null and t.expires_at > now()`;
  return personal;
}

/** The machine behind a bearer token, or null for an unknown or revoked one. */
export async function tokenViewer(raw: string): Promise<Viewer | null> {
  if (!looksLikeApiToken(raw)) return null;
  const hash = sha256Hex(raw);
  const cached = cachedViewer(hash);
  if (cached) return cached;
  ensureHubListening();
  const ticket = cacheTicket();
  const row = await findToken(hash);
  if (!row) return null;
  // A personal token works while its owner may read job signals.
  if (row.owner && (row.owner.disabled || !roleAtLeast(row.owner.role, 'support'))) return null;
  // "Last used" to the half minute: one write per token per 30 s, not per request.
  const viewer: Viewer = {
    kind: 'token',
    id: row.id,
    name: row.name,
    role: 'viewer',
    tenants: row.owner ? (row.owner.all ? 'all' : row.owner.tenants) : [row.tenantId!],
    scopes: row.scopes,
    ...(row.expiresAt ? { expiresAt: row.expiresAt.getTime() } : {}),
    ...(row.owner ? { personal: true } : {}),
  };
  if (row.stale) await touchToken(viewer);
  storeToken(hash, ticket, viewer);
  return viewer;
}
