'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';

const SCOPES = [
  { value: 'telemetry:write', label: 'telemetry:write — send TTFS events' },
  { value: 'signals:write', label: 'signals:write — publish job signals (scheduler)' },
  { value: 'signals:read', label: 'signals:read — read job signals (CLI, CI)' },
];

/** Creates a token and shows its secret once; the list reloads from the server. */
export function TokenCreateForm({ tenants }: { tenants: { id: string; name: string }[] }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const response = await fetch('/api/v1/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: form.get('name'),
        tenantId: form.get('tenantId'),
        scopes: form.getAll('scopes'),
      }),
    }).catch(() => null);
    setBusy(false);
    if (!response) return setError('The console is not reachable.');
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const issues = (body.issues ?? []) as { path: string; message: string }[];
      return setError(
        issues.length
          ? issues.map((i) => `${i.path}: ${i.message}`).join('; ')
          : (body.message ?? 'Could not create the token.'),
      );
    }
    setCreated({ token: body.token, name: body.name });
    event.currentTarget?.reset();
    router.refresh();
  }

  return (
    <div className="space-y-3">
      {created && (
        <div
          role="status"
          className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm dark:border-emerald-800 dark:bg-emerald-950"
          data-testid="token-created"
        >
          <p className="font-medium">Token “{created.name}” created. Copy it now: it is not shown again.</p>
          <code
            className="mt-2 block break-all rounded bg-white px-2 py-1 font-mono text-xs dark:bg-slate-900"
            data-testid="token-secret"
          >
            {created.token}
          </code>
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(created.token)}
            className="mt-2 rounded border border-emerald-400 px-2 py-0.5 text-xs"
          >
            Copy
          </button>
        </div>
      )}
      <form onSubmit={submit} className="grid gap-3 md:grid-cols-3" data-testid="token-form">
        <label className="text-sm">
          <span className="text-muted">Name</span>
          <input
            name="name"
            required
            maxLength={80}
            placeholder="ci-pipeline"
            data-testid="token-name"
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 dark:border-slate-700 dark:bg-slate-950"
          />
        </label>
        <label className="text-sm">
          <span className="text-muted">Tenant</span>
          <select
            name="tenantId"
            required
            data-testid="token-tenant"
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 dark:border-slate-700 dark:bg-slate-950"
          >
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="text-sm">
          <legend className="text-muted">Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s.value} className="mt-1 flex items-center gap-2">
              <input type="checkbox" name="scopes" value={s.value} data-testid={`token-scope-${s.value}`} />
              <span className="font-mono text-xs">{s.label}</span>
            </label>
          ))}
        </fieldset>
        {error && (
          <p
            role="alert"
            className="text-sm text-rose-700 md:col-span-3 dark:text-rose-300"
            data-testid="token-error"
          >
            {error}
          </p>
        )}
        <div className="md:col-span-3">
          <button
            type="submit"
            disabled={busy}
            data-testid="token-create"
            className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60 dark:bg-slate-100 dark:text-slate-900"
          >
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </div>
  );
}
