// Credentials for tests that call route handlers (or the running app) over
// HTTP: rows written straight into the database, the way sign-in and the
// tokens page would write them.
//
//   const admin = await testSession(sql, { role: 'admin' });               // every tenant
//   const support = await testSession(sql, { role: 'support', tenants: [tenantId] });
//   const machine = await testToken(sql, { tenantId, scopes: ['telemetry:write'] });
//   await POST(new Request('http://localhost/api/v1/telemetry', { method: 'POST', headers: machine.headers, body }));
//
// Tenants named here are created in console.tenants when missing (sessions and
// tokens reference them).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import type { Role, Scope } from '../../lib/auth/roles';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export async function ensureTenant(sql: Sql, tenantId: string): Promise<void> {
  await sql`
    insert into console.tenants (id, slug, name)
    values (${tenantId}, ${`t-${tenantId.slice(0, 8)}-${randomBytes(3).toString('hex')}`}, ${`Test tenant ${tenantId.slice(0, 8)}`})
    on conflict (id) do nothing`;
}

export interface TestCredentials {
  /** Headers to send: Cookie for a session, Authorization for a token. */
  headers: Record<string, string>;
  /** The user or token id. */
  id: string;
}

/** A user with the role and tenants ('all' when omitted) plus a live session. */
export async function testSession(
  sql: Sql,
  options: { role: Role; tenants?: string[] | 'all'; name?: string },
): Promise<TestCredentials & { sessionId: string }> {
  const tenants = options.tenants ?? 'all';
  const [user] = await sql<{ id: string }[]>`
    insert into console.users (username, display_name, role, all_tenants)
    values (${`test-${randomUUID()}`}, ${options.name ?? `Test ${options.role}`}, ${options.role}, ${tenants === 'all'})
    returning id`;
  if (tenants !== 'all') {
    for (const tenantId of tenants) {
      await ensureTenant(sql, tenantId);
      await sql`insert into console.user_tenants (user_id, tenant_id) values (${user!.id}, ${tenantId})`;
    }
  }
  const sessionId = randomBytes(30).toString('base64url');
  await sql`insert into console.sessions (id_hash, user_id, expires_at) values (${sha256(sessionId)}, ${user!.id}, now() + interval '1 hour')`;
  return { id: user!.id, sessionId, headers: { cookie: `ttfs_session=${sessionId}` } };
}

/** An API token bound to one tenant and the given scopes. */
export async function testToken(
  sql: Sql,
  options: { tenantId: string; scopes: Scope[]; name?: string },
): Promise<TestCredentials & { token: string }> {
  await ensureTenant(sql, options.tenantId);
  const token = `ttfs_${randomBytes(30).toString('base64url')}`;
  const [row] = await sql<{ id: string }[]>`
    insert into console.api_tokens (tenant_id, name, token_prefix, token_hash, scopes)
    values (${options.tenantId}, ${options.name ?? 'test token'}, ${token.slice(0, 12)}, ${sha256(token)}, ${options.scopes}::text[])
    returning id`;
  return { id: row!.id, token, headers: { authorization: `Bearer ${token}` } };
}
