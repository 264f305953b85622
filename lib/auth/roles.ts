export const ROLES = ['viewer', 'support', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['telemetry:write', 'signals:write', 'signals:read'] as const;
export type Scope = (typeof SCOPES)[number];

/** Roles are ordered: each includes what the ones before it may do. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/**
 * What a signed-in person may do on scope-guarded endpoints. The console's own
 * pages report their time to first signal (telemetry:write, every role); job
 * signals are read by support and admins (job lookup is support and up:
 * docs/product.md). Writing signals is the scheduler's job: machines only.
 */
export function scopesForRole(role: Role): Scope[] {
  return roleAtLeast(role, 'support') ? ['telemetry:write', 'signals:read'] : ['telemetry:write'];
}

export interface Viewer {
  kind: 'user' | 'token';
  id: string;
  name: string;
  /** For tokens always 'viewer': a token's rights are its scopes, never a role. */
  role: Role;
  /** Tenants this viewer may see; 'all' for operators. An admin's token has one; a personal token its owner's. */
  tenants: readonly string[] | 'all';
  scopes: readonly Scope[];
  /** Tokens with an expiry: when it ends (epoch ms). */
  expiresAt?: number;
  /** A person's own token (console.personal_tokens) rather than a tenant's. */
  personal?: boolean;
}

export function canSeeTenant(viewer: Viewer, tenantId: string): boolean {
  return viewer.tenants === 'all' || viewer.tenants.includes(tenantId);
}
