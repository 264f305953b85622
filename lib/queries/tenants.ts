import 'server-only';
import { sql } from '@/lib/db';
import type { Viewer } from '@/lib/auth/roles';

export interface Tenant {
  id: string;
  slug: string;
  name: string;
}

/** Tenants the viewer may see, by name. */
export async function listTenants(viewer: Viewer): Promise<Tenant[]> {
  if (viewer.tenants === 'all') {
    return sql<Tenant[]>`select id, slug, name from console.tenants order by name`;
  }
  return sql<
    Tenant[]
  >`select id, slug, name from console.tenants where id = any(${viewer.tenants as string[]}::uuid[]) order by name`;
}

/** A tenant's id from its slug, or null. */
export async function tenantIdBySlug(slug: string): Promise<string | null> {
  const [row] = await sql<{ id: string }[]>`select id from console.tenants where slug = ${slug}`;
  return row?.id ?? null;
}
