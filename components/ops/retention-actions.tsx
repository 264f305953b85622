'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { BUTTON_CLASS, SECONDARY_BUTTON_CLASS } from '@/components/ui/input';

async function send(url: string, body?: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch(() => null);
  if (!response) return { ok: false, message: 'The console is not reachable.' };
  const json = await response.json().catch(() => ({}));
  return { ok: response.ok, message: json.message as string | undefined, json };
}

/** "Run retention now", with what the run removed. */
export function RunRetentionButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="button"
        disabled={busy}
        className={BUTTON_CLASS}
        data-testid="retention-run-now"
        onClick={async () => {
          setBusy(true);
          setResult(null);
          const r = await send('/api/v1/admin/retention');
          setBusy(false);
          setResult(
            r.ok
              ? `Done: ${r.json.eventsDeleted} events, ${r.json.rollupCellsDeleted} rollup hours, ${r.json.snapshotsDeleted} snapshots and ${r.json.historyDeleted} history entries removed; ${r.json.signaturesDisabled} signatures disabled.`
              : (r.message ?? 'The run failed.'),
          );
          router.refresh();
        }}
      >
        {busy ? 'Running…' : 'Run retention now'}
      </button>
      {result && (
        <p role="status" className="text-sm" data-testid="retention-result">
          {result}
        </p>
      )}
    </div>
  );
}

/** Rebuilds one drifted hour's rollups from raw rows. */
export function RebuildHourButton({ hour, label }: { hour: string; label: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <button
        type="button"
        disabled={busy}
        className={SECONDARY_BUTTON_CLASS}
        data-testid="rebuild-hour"
        onClick={async () => {
          setBusy(true);
          const r = await send('/api/v1/admin/rollups/rebuild', { hour });
          setBusy(false);
          setError(r.ok ? null : (r.message ?? 'The rebuild failed.'));
          router.refresh();
        }}
      >
        {busy ? 'Rebuilding…' : 'Rebuild'} <span className="sr-only">{label}</span>
      </button>
      {error && (
        <span role="alert" className="text-xs text-danger">
          {error}
        </span>
      )}
    </span>
  );
}
