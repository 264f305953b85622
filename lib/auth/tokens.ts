import { cachedToken, cacheTicket, invalidateLocally, storeToken } from '@/lib/cache/lookup-cache';
import { sql } from '@/lib/db';
import { ensureHubListening } from '@/lib/signals/hub';
import type { Scope, Viewer } from './roles';
import { looksLikeApiToken, newApiToken, sha256Hex } from './secrets';

export interface ApiTokenRow {
  id: string;
  tenantId: string;
  tenantName: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Creates a token; the clear value is returned once and never stored. */
export async function createApiToken(input: {
  tenantId: string;
  name: string;
  scopes: Scope[];
  createdBy: string | null;
}) {
  const { token, prefix, hash } = newApiToken();
  const [row] = await sql<{ id: string; createdAt: Date }[]>`
    insert into console.api_tokens (tenant_id, name, token_prefix, token_hash, scopes, created_by)
    values (${input.tenantId}, ${input.name}, ${prefix}, ${hash}, ${[...new Set(input.scopes)]}::text[], ${input.createdBy})
    returning id, created_at as "createdAt"`;
  return { id: row!.id, token, prefix, createdAt: row!.createdAt };
}

export async function listApiTokens(tenants: readonly string[] | 'all'): Promise<ApiTokenRow[]> {
  const all = tenants === 'all';
  const ids = all ? [] : [...tenants];
  return sql<ApiTokenRow[]>`
    select t.id, t.tenant_id as "tenantId", coalesce(tn.name, t.tenant_id::text) as "tenantName", t.name,
      t.token_prefix as prefix, t.scopes, u.display_name as "createdBy", t.created_at as "createdAt",
      t.last_used_at as "lastUsedAt", t.revoked_at as "revokedAt"
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
  const rows = await sql`
    select id from console.api_tokens where id = ${id} and (${all} or tenant_id = any(${ids}::uuid[]))`;
  // Other instances forget it on NOTIFY: from a trigger on one server, from here on Citus.
  if (rows.length > 0) await sql`select scheduler.ttfs_notify_cache('{"tokens":"all"}')`;
  // This instance forgets the token now; the others on the NOTIFY.
  invalidateLocally({ tokens: 'all' });
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
  // "Last used" to the half minute, as below, without waiting for the write.
  if (Date.now() - cached.usedWrittenAt > 30_000) {
    cached.usedWrittenAt = Date.now();
    void sql`update console.api_tokens set last_used_at = now() where id = ${cached.viewer.id}`.catch(
      () => {},
    );
  }
  return cached.viewer;
}

/** The machine behind a bearer token, or null for an unknown or revoked one. */
export async function tokenViewer(raw: string): Promise<Viewer | null> {
  if (!looksLikeApiToken(raw)) return null;
  const hash = sha256Hex(raw);
  const cached = cachedViewer(hash);
  if (cached) return cached;
  ensureHubListening();
  const ticket = cacheTicket();
  const [row] = await sql<{ id: string; name: string; tenantId: string; scopes: Scope[]; stale: boolean }[]>`
    select id, name, tenant_id as "tenantId", scopes,
      last_used_at is null or last_used_at < now() - interval '30 seconds' as stale
    from console.api_tokens
    where token_hash = ${hash} and revoked_at is null`;
  if (!row) return null;
  // "Last used" to the half minute: one write per token per 30 s, not per request.
  if (row.stale) await sql`update console.api_tokens set last_used_at = now() where id = ${row.id}`;
  const viewer: Viewer = {
    kind: 'token',
    id: row.id,
    name: row.name,
    role: 'viewer',
    tenants: [row.tenantId],
    scopes: row.scopes,
  };
  storeToken(hash, ticket, viewer);
  return viewer;
}
