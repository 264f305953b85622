'use client';

import { useRouter } from 'next/navigation';
import { useOptimistic, useRef, useState, useTransition } from 'react';
import { BUTTON_CLASS, SECONDARY_BUTTON_CLASS, TextArea } from '@/components/ui/input';

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

/**
 * Enable or disable a signature: one button per row, which asks for the
 * reason (kept in the audit log) in a dialog before changing anything.
 */
export function ToggleButton({ id, enabled: saved, label }: { id: string; enabled: boolean; label: string }) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  // The saved state, shown as changed from the confirmation until the refreshed page brings it.
  const [enabled, setEnabled] = useOptimistic(saved);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, startTransition] = useTransition();
  const action = enabled ? 'Disable' : 'Enable';

  async function confirm(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await patch(id, !enabled, reason.trim());
      setReason('');
      dialog.current?.close();
      startTransition(() => {
        setEnabled(!enabled);
        router.refresh();
      });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        data-testid={`toggle-${id}`}
        data-enabled={enabled}
        onClick={() => dialog.current?.showModal()}
        className={SECONDARY_BUTTON_CLASS}
      >
        {action}… <span className="sr-only">{label}</span>
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={`toggle-title-${id}`}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-line bg-surface p-5 text-fg shadow-xl backdrop:bg-black/50"
        data-testid={`toggle-dialog-${id}`}
      >
        <form onSubmit={confirm} className="space-y-3">
          <h2 id={`toggle-title-${id}`} className="text-base font-semibold">
            {action} “{label}”?
          </h2>
          <p className="text-sm text-muted">
            {enabled
              ? 'Failed jobs stop showing this likely cause at once.'
              : 'Failed jobs that match show this likely cause again at once.'}
          </p>
          <label className="block text-sm">
            Reason (kept in the signature’s history)
            <TextArea
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              rows={2}
              maxLength={500}
              className="mt-1"
              data-testid={`reason-${id}`}
            />
          </label>
          {error && (
            <p role="alert" className="text-sm text-danger">
              {error}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <button type="button" className={SECONDARY_BUTTON_CLASS} onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" disabled={busy} className={BUTTON_CLASS} data-testid={`confirm-${id}`}>
              {busy ? 'Saving…' : action}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
