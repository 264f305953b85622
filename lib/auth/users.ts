import { sql } from '@/lib/db';
import type { Role } from './roles';
import type { TenantGrant } from './claims';
import { verifyPassword } from './secrets';

/** Checks a local (demo) user's password; returns the user id or null. */
export async function checkLocalPassword(username: string, password: string): Promise<string | null> {
  const [row] = await sql<{ id: string; passwordHash: string | null }[]>`
    select id, password_hash as "passwordHash" from console.users
    where username = ${username.toLowerCase()} and disabled_at is null and password_hash is not null`;
  const ok = await verifyPassword(password, row?.passwordHash ?? null);
  return ok && row ? row.id : null;
}

/**
 * Creates or refreshes the user behind an OIDC subject. Role and tenants come
 * from the issuer at every sign-in, so revoking them there takes effect at the
 * next sign-in (and sessions of a removed user can be deleted in the database).
 */
export async function upsertOidcUser(input: {
  issuer: string;
  subject: string;
  name: string;
  role: Role;
  tenants: TenantGrant;
}): Promise<string> {
  return sql.begin(async (tx) => {
    const [user] = await tx<{ id: string }[]>`
      insert into console.users (display_name, role, all_tenants, oidc_issuer, oidc_subject, updated_at)
      values (${input.name}, ${input.role}, ${input.tenants.all}, ${input.issuer}, ${input.subject}, now())
      on conflict (oidc_issuer, oidc_subject) do update
        set display_name = excluded.display_name, role = excluded.role, all_tenants = excluded.all_tenants, updated_at = excluded.updated_at
      returning id`;
    const id = user!.id;
    await tx`delete from console.user_tenants where user_id = ${id}`;
    if (input.tenants.refs.length > 0) {
      await tx`
        insert into console.user_tenants (user_id, tenant_id)
        select ${id}, t.id from console.tenants t
        where t.slug = any(${input.tenants.refs}::text[]) or t.id::text = any(${input.tenants.refs}::text[])
        on conflict do nothing`;
    }
    // Personal tokens carry their owner's role and tenants (a trigger on one server, this call on Citus).
    await tx`select scheduler.ttfs_notify_cache('{"tokens":"all"}')`;
    return id;
  });
}
