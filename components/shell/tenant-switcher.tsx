'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';
import { FIELD_BASE_CLASS } from '@/components/ui/input';

export function TenantSwitcher({ tenants }: { tenants: { id: string; slug: string; name: string }[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const current = params.get('tenant') ?? '';
  // One tenant: nothing to switch (and no "All tenants" that means the same).
  if (tenants.length === 1)
    return (
      <p className="text-sm" data-testid="tenant-single">
        <span className="text-muted">Tenant</span> {tenants[0]!.name}
      </p>
    );

  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="text-muted">Tenant</span>
      <select
        data-testid="tenant-switcher"
        aria-busy={pending}
        value={current}
        onChange={(event) => {
          const next = new URLSearchParams(params.toString());
          if (event.target.value) next.set('tenant', event.target.value);
          else next.delete('tenant');
          startTransition(() => router.push(`${pathname}${next.size ? `?${next}` : ''}`));
        }}
        className={FIELD_BASE_CLASS}
      >
        <option value="">All tenants</option>
        {tenants.map((t) => (
          <option key={t.id} value={t.slug}>
            {t.name}
          </option>
        ))}
      </select>
    </label>
  );
}
