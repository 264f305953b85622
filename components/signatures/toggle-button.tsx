'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';

async function patch(id: string, enabled: boolean, reason: string) {
  const response = await fetch(`/api/v1/failure-signatures/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enabled, ...(reason ? { reason } : {}) }),
  });
  if (!response.ok)
    throw new Error(
      ((await response.json().catch(() => ({}))) as { message?: string }).message ??
        `HTTP ${response.status}`,
    );
}

/** Enable/disable in one click: the row changes at once, the server confirms, undo is offered. */
export function ToggleButton({ id, enabled: initial }: { id: string; enabled: boolean }) {
  const router = useRouter();
  const [enabled, setEnabled] = useState(initial);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [undo, setUndo] = useState<boolean | null>(null);
  const [, startTransition] = useTransition();

  async function change(next: boolean, why: string, offerUndo: boolean) {
    const previous = enabled;
    setEnabled(next);
    setError(null);
    try {
      await patch(id, next, why);
      setUndo(offerUndo ? previous : null);
      setReason('');
      startTransition(() => router.refresh());
    } catch (e) {
      setEnabled(previous);
      setError((e as Error).message);
    }
  }

  return (
    <div className="flex flex-col gap-1">
      <div className="flex items-center gap-2">
        <button
          type="button"
          role="switch"
          aria-checked={enabled}
          data-testid={`toggle-${id}`}
          onClick={() => change(!enabled, reason, true)}
          className={`relative h-5 w-9 rounded-full transition-colors ${enabled ? 'bg-emerald-600' : 'bg-slate-300 dark:bg-slate-600'}`}
        >
          <span className="sr-only">{enabled ? 'Disable' : 'Enable'} signature</span>
          <span
            aria-hidden
            className={`absolute top-0.5 h-4 w-4 rounded-full bg-white transition-all ${enabled ? 'left-4.5' : 'left-0.5'}`}
          />
        </button>
        <input
          aria-label="Reason for the change (optional)"
          placeholder="reason (optional)"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          className="w-32 rounded border border-slate-300 bg-transparent px-1.5 py-0.5 text-xs dark:border-slate-700"
          data-testid={`reason-${id}`}
        />
      </div>
      {undo !== null && (
        <button
          type="button"
          className="self-start text-xs text-blue-700 hover:underline dark:text-blue-300"
          data-testid={`undo-${id}`}
          onClick={() => change(undo, 'undo', false)}
        >
          {enabled ? 'Enabled' : 'Disabled'} · Undo
        </button>
      )}
      {error && (
        <p role="alert" className="text-xs text-rose-700 dark:text-rose-400">
          {error}
        </p>
      )}
    </div>
  );
}
