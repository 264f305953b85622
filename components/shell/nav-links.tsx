'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import { roleAtLeast, type Role } from '@/lib/auth/roles';

const LINKS: { href: string; label: string; role: Role }[] = [
  { href: '/', label: 'Overview', role: 'viewer' },
  { href: '/jobs', label: 'Jobs', role: 'support' },
  { href: '/cli', label: 'CLI', role: 'support' },
  { href: '/signatures', label: 'Signatures', role: 'admin' },
  { href: '/admin/tokens', label: 'Tokens', role: 'admin' },
  { href: '/admin/retention', label: 'Retention', role: 'admin' },
];

function Links({ role }: { role: Role }) {
  const pathname = usePathname();
  const params = useSearchParams();
  // Keep the tenant choice when moving between pages.
  const tenant = params.get('tenant');
  return (
    <nav aria-label="Main" className="flex gap-1 overflow-x-auto px-2 pb-2 md:flex-col md:px-3">
      {LINKS.filter((l) => roleAtLeast(role, l.role)).map((link) => {
        const active = link.href === '/' ? pathname === '/' : pathname.startsWith(link.href);
        return (
          <Link
            key={link.href}
            href={tenant ? `${link.href}?tenant=${encodeURIComponent(tenant)}` : link.href}
            aria-current={active ? 'page' : undefined}
            data-testid={`nav-${link.label.toLowerCase()}`}
            className={`rounded-md px-3 py-2 text-sm font-medium whitespace-nowrap ${
              active ? 'bg-inverse text-inverse-fg' : 'text-muted hover:bg-subtle hover:text-fg'
            }`}
          >
            {link.label}
          </Link>
        );
      })}
    </nav>
  );
}

export function NavLinks({ role }: { role: Role }) {
  return (
    <Suspense fallback={<nav aria-label="Main" className="h-10" />}>
      <Links role={role} />
    </Suspense>
  );
}
