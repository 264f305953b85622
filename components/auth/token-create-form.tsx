'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { CreatedToken, requestToken } from '@/components/auth/created-token';
import { Timestamp } from '@/components/format/zone';
import { BUTTON_CLASS, Field, Input, Select } from '@/components/ui/input';
import { DEFAULT_TOKEN_EXPIRY_DAYS, TOKEN_EXPIRY_DAYS } from '@/lib/schemas/token';

const SCOPES = [
  { value: 'telemetry:write', label: 'send TTFS events' },
  { value: 'signals:write', label: 'publish job signals (scheduler)' },
  { value: 'signals:read', label: 'read job signals (CLI, CI)' },
];

/** Creates a token and shows its secret once; the list reloads from the server. */
export function TokenCreateForm({ tenants }: { tenants: { id: string; name: string }[] }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ token: string; name: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // React clears event.currentTarget once the handler awaits: keep the form element.
    const element = event.currentTarget;
    const form = new FormData(element);
    setBusy(true);
    setError(null);
    const result = await requestToken<{ token: string; name: string; expiresAt: string }>('/api/v1/tokens', {
      name: form.get('name'),
      tenantId: form.get('tenantId'),
      scopes: form.getAll('scopes'),
      expiresInDays: Number(form.get('expiresInDays')),
    });
    setBusy(false);
    if ('error' in result) return setError(result.error);
    const { token, name, expiresAt } = result.created;
    setCreated({ token, name, expiresAt });
    element.reset();
    router.refresh();
  }

  return (
    <div className="space-y-3">
      {created && (
        <CreatedToken token={created.token} testId="token-created" secretTestId="token-secret">
          Token “{created.name}” created; it works until <Timestamp value={created.expiresAt} />. Copy it now:
          it is not shown again.
        </CreatedToken>
      )}
      <form onSubmit={submit} className="grid gap-3 md:grid-cols-2 lg:grid-cols-4" data-testid="token-form">
        <Field label="Name">
          <Input name="name" required maxLength={80} placeholder="ci-pipeline" data-testid="token-name" />
        </Field>
        <Field label="Tenant">
          <Select name="tenantId" required data-testid="token-tenant">
            {tenants.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Expires after" hint="The token is refused after this">
          <Select name="expiresInDays" defaultValue={DEFAULT_TOKEN_EXPIRY_DAYS} data-testid="token-expiry">
            {TOKEN_EXPIRY_DAYS.map((days) => (
              <option key={days} value={days}>
                {days} days
              </option>
            ))}
          </Select>
        </Field>
        <fieldset className="text-sm">
          <legend className="text-xs text-muted">Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s.value} className="flex min-h-9 cursor-pointer items-center gap-2">
              <input
                type="checkbox"
                name="scopes"
                value={s.value}
                data-testid={`token-scope-${s.value}`}
                className="h-5 w-5 shrink-0"
              />
              <span className="text-xs">
                <span className="font-mono">{s.value}</span> — {s.label}
              </span>
            </label>
          ))}
        </fieldset>
        {error && (
          <p
            role="alert"
            className="text-sm text-danger md:col-span-2 lg:col-span-4"
            data-testid="token-error"
          >
            {error}
          </p>
        )}
        <div className="md:col-span-2 lg:col-span-4">
          <button type="submit" disabled={busy} data-testid="token-create" className={BUTTON_CLASS}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </div>
  );
}
