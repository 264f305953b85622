import { describe, expect, it } from 'vitest';
import { claimAt, roleFromClaims, safeReturnPath, tenantsFromClaims } from '@/lib/auth/claims';

describe('OIDC claim mapping', () => {
  it('takes the highest console role among the values', () => {
    expect(roleFromClaims({ roles: ['viewer', 'admin', 'support'] }, 'roles')).toBe('admin');
    expect(roleFromClaims({ roles: ['support', 'viewer'] }, 'roles')).toBe('support');
    expect(roleFromClaims({ roles: 'viewer' }, 'roles')).toBe('viewer');
    expect(roleFromClaims({ groups: 'ops support' }, 'groups')).toBe('support');
  });

  it('refuses unknown roles and missing claims', () => {
    expect(roleFromClaims({ roles: ['owner', 'superuser'] }, 'roles')).toBeNull();
    expect(roleFromClaims({}, 'roles')).toBeNull();
    expect(roleFromClaims({ roles: 42 }, 'roles')).toBeNull();
  });

  it('honours a role prefix and ignores values without it', () => {
    expect(roleFromClaims({ roles: ['admin', 'ttfs-viewer'] }, 'roles', 'ttfs-')).toBe('viewer');
    expect(roleFromClaims({ roles: ['ttfs-ADMIN'] }, 'roles', 'ttfs-')).toBe('admin');
  });

  it('reads nested claims by dotted path, and flat claims whose name has dots', () => {
    const claims = { realm_access: { roles: ['support'] }, 'https://ttfs/roles': ['admin'] };
    expect(claimAt(claims, 'realm_access.roles')).toEqual(['support']);
    expect(roleFromClaims(claims, 'realm_access.roles')).toBe('support');
    expect(roleFromClaims(claims, 'https://ttfs/roles')).toBe('admin');
  });

  it('maps tenants: "*" grants all, other values are slugs or ids', () => {
    expect(tenantsFromClaims({ tenants: ['*'] }, 'tenants')).toEqual({ all: true, refs: [] });
    expect(
      tenantsFromClaims({ tenants: ['Acme', '22222222-2222-4222-8222-222222222222'] }, 'tenants'),
    ).toEqual({
      all: false,
      refs: ['acme', '22222222-2222-4222-8222-222222222222'],
    });
    expect(tenantsFromClaims({}, 'tenants')).toEqual({ all: false, refs: [] });
  });
});

describe('return path after sign-in', () => {
  it('keeps same-site paths only', () => {
    expect(safeReturnPath('/jobs?tenant=acme')).toBe('/jobs?tenant=acme');
    expect(safeReturnPath('https://evil.example/')).toBe('/');
    expect(safeReturnPath('//evil.example/')).toBe('/');
    expect(safeReturnPath('/\\evil.example')).toBe('/');
    expect(safeReturnPath('/sign-in?next=/x')).toBe('/');
    expect(safeReturnPath(undefined)).toBe('/');
  });
});
