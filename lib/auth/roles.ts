export const ROLES = ['viewer', 'support', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['telemetry:write', 'signals:write', 'signals:read'] as const;
export type Scope = (typeof SCOPES)[number];

/** Roles are ordered: each includes what the ones before it may do. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export interface Viewer {
  kind: 'user' | 'token';
  id: string;
  name: string;
  role: Role;
  /** Tenants this viewer may see; 'all' for operators. */
  tenants: readonly string[] | 'all';
  scopes: readonly Scope[];
}

export function canSeeTenant(viewer: Viewer, tenantId: string): boolean {
  return viewer.tenants === 'all' || viewer.tenants.includes(tenantId);
}
