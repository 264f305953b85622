'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

export function TokenRevokeButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      data-testid={`token-revoke-${id}`}
      onClick={async () => {
        if (!window.confirm(`Revoke “${name}”? Machines using it are refused at once.`)) return;
        setBusy(true);
        await fetch(`/api/v1/tokens/${id}`, { method: 'DELETE' }).catch(() => null);
        setBusy(false);
        router.refresh();
      }}
      className="inline-flex min-h-9 items-center rounded-md border border-line-strong px-3 py-1 text-sm text-danger hover:bg-danger-soft disabled:opacity-60"
    >
      Revoke <span className="sr-only">{name}</span>
    </button>
  );
}
