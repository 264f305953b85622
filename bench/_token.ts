import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';

/** A bench tenant with an API token of the given scopes; `remove()` deletes both and the tenant's snapshots. */
export async function benchTenant(sql: Sql, scopes: string[], name: string) {
  const tenant = randomUUID();
  const token = `ttfs_${randomBytes(30).toString('base64url')}`;
  await sql`insert into console.tenants (id, slug, name) values (${tenant}, ${`bench-${tenant.slice(0, 8)}`}, ${name})`;
  await sql`insert into console.api_tokens (tenant_id, name, token_prefix, token_hash, scopes)
    values (${tenant}, ${name}, ${token.slice(0, 12)}, ${createHash('sha256').update(token).digest('hex')}, ${scopes}::text[])`;
  return {
    tenant,
    token,
    async remove() {
      await sql`delete from scheduler.first_signal_snapshots where tenant_id = ${tenant}`;
      await sql`delete from console.api_tokens where tenant_id = ${tenant}`;
      await sql`delete from console.tenants where id = ${tenant}`;
      await sql`vacuum analyze scheduler.first_signal_snapshots`;
    },
  };
}
