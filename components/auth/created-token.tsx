'use client';

import type { ReactNode } from 'react';
import { SECONDARY_BUTTON_CLASS } from '@/components/ui/input';

/** A token's secret, shown once right after it was created, with a copy button; `children` says what to do with it. */
export function CreatedToken({
  token,
  testId,
  secretTestId,
  className,
  children,
}: {
  token: string;
  testId: string;
  secretTestId: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div
      role="status"
      data-testid={testId}
      className={['rounded-md border border-line bg-ok-soft p-3 text-sm', className]
        .filter(Boolean)
        .join(' ')}
    >
      <p className="font-medium">{children}</p>
      <code
        className="mt-2 block rounded bg-surface px-2 py-1 font-mono text-xs break-all text-fg"
        data-testid={secretTestId}
      >
        {token}
      </code>
      <button
        type="button"
        onClick={() => void navigator.clipboard?.writeText(token)}
        className={`${SECONDARY_BUTTON_CLASS} mt-2`}
      >
        Copy token
      </button>
    </div>
  );
}

/**
 * POSTs a request for a new token. The server's answer, or the message to show:
 * the fields it refused, its own message, or that it could not be reached.
 */
export async function requestToken<T>(
  url: string,
  payload: unknown,
): Promise<{ created: T } | { error: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  }).catch(() => null);
  if (!response) return { error: 'The console is not reachable.' };
  const body = await response.json().catch(() => ({}));
  if (response.ok) return { created: body as T };
  const issues = (body.issues ?? []) as { path: string; message: string }[];
  return {
    error: issues.length
      ? issues.map((i) => `${i.path}: ${i.message}`).join('; ')
      : (body.message ?? 'Could not create the token.'),
  };
}
