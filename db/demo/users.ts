import type { Sql } from 'postgres';
import { hashPassword } from '../../lib/auth/secrets';

// Demo users, one per role, so a newcomer can try every role at once. They only
// exist in demo mode (embedded database, or TTFS_DEMO_USERS=1), and password
// sign-in is refused outside demo mode even if the rows remain.
export const DEMO_USERS = [
  { username: 'admin', password: 'admin-demo', name: 'Ada Admin', role: 'admin', tenants: '*' },
  // Limited to one tenant, to show tenant isolation.
  { username: 'support', password: 'support-demo', name: 'Sam Support', role: 'support', tenants: ['acme'] },
  { username: 'sre', password: 'sre-demo', name: 'Riley SRE', role: 'viewer', tenants: '*' },
] as const;

/** Creates or resets the demo users (passwords, roles, tenant grants). Idempotent. */
export async function seedDemoUsers(sql: Sql): Promise<number> {
  for (const user of DEMO_USERS) {
    const hash = await hashPassword(user.password);
    const all = user.tenants === '*';
    const [row] = await sql<{ id: string }[]>`
      insert into console.users (username, display_name, role, all_tenants, password_hash, updated_at)
      values (${user.username}, ${user.name}, ${user.role}, ${all}, ${hash}, now())
      on conflict (username) do update
        set display_name = excluded.display_name, role = excluded.role, all_tenants = excluded.all_tenants,
            password_hash = excluded.password_hash, disabled_at = null, updated_at = excluded.updated_at
      returning id`;
    await sql`delete from console.user_tenants where user_id = ${row!.id}`;
    if (!all) {
      await sql`
        insert into console.user_tenants (user_id, tenant_id)
        select ${row!.id}, id from console.tenants where slug = any(${[...user.tenants]}::text[])`;
    }
  }
  return DEMO_USERS.length;
}
