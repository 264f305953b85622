import { sameOriginPath } from '@/lib/http/same-origin';
import { ROLES, roleAtLeast, type Role } from './roles';

// Maps an ID token's claims to a console role and tenant grants. Pure, so it is
// unit-tested without an issuer.

/** Reads a claim by dotted path ("realm_access.roles"). */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined,
      claims,
    );
}

/** Claims may carry a list, a single string, or a space/comma separated string. */
export function claimValues(value: unknown): string[] {
  if (Array.isArray(value))
    return value
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.trim())
      .filter(Boolean);
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** The highest console role among the claim values (with the optional prefix), or null. */
export function roleFromClaims(
  claims: Record<string, unknown>,
  rolesClaim: string,
  prefix = '',
): Role | null {
  let best: Role | null = null;
  for (const value of claimValues(claimAt(claims, rolesClaim))) {
    if (prefix && !value.startsWith(prefix)) continue;
    const name = value.slice(prefix.length).toLowerCase();
    const role = ROLES.find((r) => r === name);
    if (role && (!best || roleAtLeast(role, best))) best = role;
  }
  return best;
}

export interface TenantGrant {
  all: boolean;
  /** Tenant slugs or UUIDs as the issuer sent them; resolved against console.tenants. */
  refs: string[];
}

/** "*" grants every tenant (operators); anything else names tenants by slug or id. */
export function tenantsFromClaims(claims: Record<string, unknown>, tenantsClaim: string): TenantGrant {
  const values = claimValues(claimAt(claims, tenantsClaim));
  return { all: values.includes('*'), refs: values.filter((v) => v !== '*').map((v) => v.toLowerCase()) };
}

/**
 * Only same-origin relative paths may be used as a post-sign-in destination
 * (lib/http/same-origin.ts); anything else, and the sign-in page or the API,
 * goes home.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return '/';
  const path = sameOriginPath(value);
  if (!path || path.startsWith('/api/') || path === '/api' || path.startsWith('/sign-in')) return '/';
  return path;
}
