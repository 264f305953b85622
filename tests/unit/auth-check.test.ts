import { describe, expect, it } from 'vitest';
import { check } from '@/lib/auth';
import { contentSecurityPolicy } from '@/lib/auth/headers';
import { pageRole, isPublicPage } from '@/lib/auth/pages';
import { canSeeTenant, roleAtLeast, scopesForRole, type Viewer } from '@/lib/auth/roles';
import { hashPassword, looksLikeApiToken, newApiToken, sha256Hex, verifyPassword } from '@/lib/auth/secrets';
import { ApiError } from '@/lib/errors';

const user = (role: Viewer['role'], tenants: Viewer['tenants'] = 'all'): Viewer => ({
  kind: 'user',
  id: 'u',
  name: 'U',
  role,
  tenants,
  scopes: scopesForRole(role),
});
const token = (scopes: Viewer['scopes'], tenant = 'A'): Viewer => ({
  kind: 'token',
  id: 't',
  name: 'T',
  role: 'viewer',
  tenants: [tenant],
  scopes,
});

function status(fn: () => unknown): number {
  try {
    fn();
    return 200;
  } catch (error) {
    return (error as ApiError).status;
  }
}

describe('role and scope checks', () => {
  it('orders roles', () => {
    expect(roleAtLeast('admin', 'support')).toBe(true);
    expect(roleAtLeast('support', 'admin')).toBe(false);
    expect(roleAtLeast('viewer', 'viewer')).toBe(true);
  });

  it('checks people by role', () => {
    expect(status(() => check(user('viewer'), { role: 'support' }))).toBe(403);
    expect(status(() => check(user('support'), { role: 'support' }))).toBe(200);
    expect(status(() => check(user('admin'), { role: 'support' }))).toBe(200);
  });

  it('gives people the scopes of their role', () => {
    expect(status(() => check(user('viewer'), { scope: 'signals:read' }))).toBe(403);
    expect(status(() => check(user('support'), { scope: 'signals:read' }))).toBe(200);
    expect(status(() => check(user('viewer'), { scope: 'telemetry:write' }))).toBe(200);
    expect(status(() => check(user('admin'), { scope: 'signals:write' }))).toBe(403);
  });

  it('checks tokens by scope only and refuses role-only endpoints', () => {
    expect(status(() => check(token(['signals:read']), { scope: 'signals:read' }))).toBe(200);
    expect(status(() => check(token(['telemetry:write']), { scope: 'signals:read' }))).toBe(403);
    expect(status(() => check(token(['signals:read']), { role: 'viewer' }))).toBe(403);
    expect(status(() => check(token(['signals:read']), { role: 'support', scope: 'signals:read' }))).toBe(
      200,
    );
  });

  it('binds tokens to their tenant', () => {
    expect(canSeeTenant(token(['signals:read'], 'A'), 'A')).toBe(true);
    expect(canSeeTenant(token(['signals:read'], 'A'), 'B')).toBe(false);
    expect(canSeeTenant(user('viewer', ['B']), 'A')).toBe(false);
    expect(canSeeTenant(user('viewer'), 'A')).toBe(true);
  });
});

describe('secrets', () => {
  it('makes tokens with a visible prefix and stores only a SHA-256', () => {
    const a = newApiToken();
    const b = newApiToken();
    expect(a.token).toMatch(/^ttfs_[A-Za-z0-9_-]{40}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.prefix).toBe(a.token.slice(0, 12));
    expect(a.hash).toBe(sha256Hex(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toContain(a.token.slice(5, 15));
    expect(looksLikeApiToken(a.token)).toBe(true);
    expect(looksLikeApiToken('ttfs_short')).toBe(false);
    expect(looksLikeApiToken(`x${a.token}`)).toBe(false);
  });

  it('hashes passwords with a salt and verifies them', async () => {
    const one = await hashPassword('correct horse');
    const two = await hashPassword('correct horse');
    expect(one).not.toBe(two);
    expect(one.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('correct horse', one)).toBe(true);
    expect(await verifyPassword('correct horsE', one)).toBe(false);
    expect(await verifyPassword('anything', null)).toBe(false);
  });
});

describe('page gate table and CSP', () => {
  it('maps paths to the minimum role', () => {
    expect(pageRole('/')).toBe('viewer');
    expect(pageRole('/jobs')).toBe('support');
    expect(pageRole('/jobs/abc')).toBe('support');
    expect(pageRole('/jobsearch')).toBe('viewer');
    expect(pageRole('/signatures/new')).toBe('admin');
    expect(pageRole('/admin/tokens')).toBe('admin');
    expect(isPublicPage('/sign-in')).toBe(true);
    expect(isPublicPage('/signatures')).toBe(false);
  });

  it('allows no inline scripts, only the nonce', () => {
    const csp = contentSecurityPolicy('abc123', { dev: false, https: false });
    const script = csp.split('; ').find((d) => d.startsWith('script-src'))!;
    expect(script).toContain("'nonce-abc123'");
    expect(script).not.toContain('unsafe-inline');
    expect(script).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });
});
