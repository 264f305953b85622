'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { CreatedToken, requestToken } from '@/components/auth/created-token';
import { Timestamp } from '@/components/format/zone';
import { BUTTON_CLASS, Field, Input, SECONDARY_BUTTON_CLASS, Select } from '@/components/ui/input';
import type { ApiTokenRow } from '@/lib/auth/tokens';
import { DEFAULT_PERSONAL_TOKEN_DAYS, PERSONAL_TOKEN_EXPIRY_DAYS } from '@/lib/schemas/token';

type PersonalToken = Pick<
  ApiTokenRow,
  'id' | 'name' | 'prefix' | 'createdAt' | 'expiresAt' | 'lastUsedAt' | 'revokedAt' | 'expired'
>;

const when = (at: Date | string | null) => (at ? <Timestamp value={at} /> : 'never');

/** Makes a personal token for the CLI (shown once) and lists the person's tokens. */
export function PersonalTokens({ tokens, consoleUrl }: { tokens: PersonalToken[]; consoleUrl: string }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ token: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await requestToken<{ token: string; expiresAt: string }>('/api/v1/me/tokens', {
      name: form.get('name'),
      expiresInDays: Number(form.get('expiresInDays')),
    });
    setBusy(false);
    if ('error' in result) return setError(result.error);
    const { token, expiresAt } = result.created;
    setCreated({ token, expiresAt });
    router.refresh();
  }

  async function revoke(id: string) {
    await fetch(`/api/v1/me/tokens/${id}`, { method: 'DELETE' }).catch(() => null);
    router.refresh();
  }

  return (
    <div className="space-y-4">
      {created && (
        <CreatedToken
          token={created.token}
          testId="personal-token-created"
          secretTestId="personal-token-secret"
          className="text-fg"
        >
          Paste this token when <code className="font-mono">ttfs login</code> asks for it. It is shown only
          now and works until {when(created.expiresAt)}.
        </CreatedToken>
      )}
      <form
        onSubmit={submit}
        className="grid items-end gap-3 sm:grid-cols-[1fr_12rem_auto]"
        data-testid="personal-token-form"
      >
        <Field label="Name">
          <Input
            name="name"
            required
            maxLength={80}
            defaultValue="ttfs CLI"
            data-testid="personal-token-name"
          />
        </Field>
        <Field label="Expires after">
          <Select
            name="expiresInDays"
            defaultValue={DEFAULT_PERSONAL_TOKEN_DAYS}
            data-testid="personal-token-expiry"
          >
            {PERSONAL_TOKEN_EXPIRY_DAYS.map((days) => (
              <option key={days} value={days}>
                {days} days
              </option>
            ))}
          </Select>
        </Field>
        <button type="submit" disabled={busy} className={BUTTON_CLASS} data-testid="personal-token-create">
          {busy ? 'Creating…' : 'Create token'}
        </button>
        {error && (
          <p role="alert" className="text-sm text-danger sm:col-span-3">
            {error}
          </p>
        )}
      </form>
      <p className="text-sm text-muted">
        Then, in a terminal: <code className="font-mono break-all">npx ttfs login --url {consoleUrl}</code>
      </p>
      {tokens.length > 0 && (
        <ul className="divide-y divide-line text-sm" data-testid="personal-tokens">
          {tokens.map((t) => (
            <li
              key={t.id}
              className="flex flex-wrap items-center justify-between gap-2 py-2"
              data-testid="personal-token-row"
            >
              <div className="min-w-0">
                <p className="font-medium">
                  {t.name} <span className="font-mono text-xs">{t.prefix}…</span>
                </p>
                <p className="text-xs text-muted">
                  created {when(t.createdAt)} · {t.revokedAt ? 'revoked' : t.expired ? 'expired' : 'expires'}{' '}
                  {t.revokedAt ? when(t.revokedAt) : when(t.expiresAt)} · last used {when(t.lastUsedAt)}
                </p>
              </div>
              {!t.revokedAt && !t.expired && (
                <button type="button" onClick={() => void revoke(t.id)} className={SECONDARY_BUTTON_CLASS}>
                  Revoke <span className="sr-only">{t.name}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
