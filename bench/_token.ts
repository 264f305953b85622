import { randomUUID } from 'node:crypto';
import type { Sql } from 'postgres';
import type { Scope } from '../lib/auth/roles';
import { testToken } from '../tests/helpers/auth';

/** A bench tenant with an API token of the given scopes; `remove()` deletes both and the tenant's snapshots. */
export async function benchTenant(sql: Sql, scopes: Scope[], name: string) {
  const tenant = randomUUID();
  await sql`insert into console.tenants (id, slug, name) values (${tenant}, ${`bench-${tenant.slice(0, 8)}`}, ${name})`;
  const { token } = await testToken(sql, { tenantId: tenant, scopes, name });
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
