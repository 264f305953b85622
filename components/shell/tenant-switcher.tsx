'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';

export function TenantSwitcher({ tenants }: { tenants: { id: string; slug: string; name: string }[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const current = params.get('tenant') ?? '';

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
        className="rounded-md border border-line-strong bg-surface px-2 py-1.5 text-fg"
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
