import { sql } from '@/lib/db';
import { SESSION_ABSOLUTE_SECONDS, SESSION_IDLE_SECONDS } from './config';
import { scopesForRole, type Role, type Viewer } from './roles';
import { randomSecret, sha256Hex } from './secrets';

// A session is a random id in an HTTP-only cookie; the database keeps its
// SHA-256 with the expiry, so a leaked database does not yield usable cookies.

interface UserRow {
  id: string;
  name: string;
  role: Role;
  allTenants: boolean;
  tenants: string[];
}

export function userViewer(row: UserRow): Viewer {
  return {
    kind: 'user',
    id: row.id,
    name: row.name,
    role: row.role,
    tenants: row.allTenants ? 'all' : row.tenants,
    scopes: scopesForRole(row.role),
  };
}

export async function createSession(userId: string): Promise<{ id: string; maxAge: number }> {
  const id = randomSecret(30);
  await sql`
    insert into console.sessions (id_hash, user_id, expires_at)
    values (${sha256Hex(id)}, ${userId}, now() + make_interval(secs => ${SESSION_IDLE_SECONDS}))`;
  await sql`update console.users set last_sign_in_at = now() where id = ${userId}`;
  return { id, maxAge: SESSION_IDLE_SECONDS };
}

/** The signed-in user of a session cookie value, or null when unknown, expired or disabled. */
export async function sessionViewer(sessionId: string | undefined): Promise<Viewer | null> {
  if (!sessionId || sessionId.length > 100) return null;
  const hash = sha256Hex(sessionId);
  const [row] = await sql<(UserRow & { stale: boolean })[]>`
    select u.id, u.display_name as name, u.role, u.all_tenants as "allTenants",
      coalesce((select array_agg(ut.tenant_id::text order by ut.tenant_id) from console.user_tenants ut where ut.user_id = u.id), '{}') as tenants,
      s.last_seen_at < now() - interval '5 minutes' as stale
    from console.sessions s
    join console.users u on u.id = s.user_id
    where s.id_hash = ${hash} and s.expires_at > now() and u.disabled_at is null`;
  if (!row) return null;
  // Sliding expiry, written at most every five minutes per session.
  if (row.stale) {
    await sql`
      update console.sessions
      set last_seen_at = now(),
          expires_at = least(created_at + make_interval(secs => ${SESSION_ABSOLUTE_SECONDS}), now() + make_interval(secs => ${SESSION_IDLE_SECONDS}))
      where id_hash = ${hash}`;
  }
  return userViewer(row);
}

export async function deleteSession(sessionId: string | undefined): Promise<void> {
  if (!sessionId || sessionId.length > 100) return;
  await sql`delete from console.sessions where id_hash = ${sha256Hex(sessionId)}`;
  // Expired sessions of anyone are useless; clear them while we are here.
  await sql`delete from console.sessions where expires_at < now() - interval '1 day'`;
}
