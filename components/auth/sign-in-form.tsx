'use client';

import { useState, type FormEvent } from 'react';
import { FIELD_CLASS } from '@/components/ui/input';

export interface DemoCredential {
  username: string;
  password: string;
  name: string;
  role: string;
  tenants: string;
}

/** Password sign-in (demo mode); posts JSON so errors and rate limits show inline. */
export function SignInForm({ next, demoUsers }: { next: string; demoUsers: DemoCredential[] }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await fetch('/api/auth/sign-in', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username, password, next }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        window.location.assign(body.next ?? '/');
        return;
      }
      const wait = response.headers.get('Retry-After');
      setError(
        response.status === 429
          ? `Too many attempts. Try again in ${wait ?? 'a few'} seconds.`
          : (body.message ?? 'Sign-in failed.'),
      );
    } catch {
      setError('The console is not reachable. Try again.');
    }
    setBusy(false);
  }

  return (
    <div className="space-y-4">
      <form onSubmit={submit} className="space-y-3" data-testid="sign-in-form">
        <label className="block text-sm">
          <span className="text-muted">User name</span>
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="sign-in-username"
            className={`mt-1 ${FIELD_CLASS}`}
          />
        </label>
        <label className="block text-sm">
          <span className="text-muted">Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="sign-in-password"
            className={`mt-1 ${FIELD_CLASS}`}
          />
        </label>
        {error && (
          <p role="alert" data-testid="sign-in-error" className="text-sm text-danger">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={busy}
          data-testid="sign-in-submit"
          className="w-full rounded-md bg-inverse px-3 py-2 text-sm font-medium text-inverse-fg hover:opacity-90 disabled:opacity-60"
        >
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {demoUsers.length > 0 && (
        <div className="rounded-md border border-line bg-warn-soft p-3 text-sm" data-testid="demo-users">
          <p className="mb-2 font-medium">Demo mode: sign in as any of these users</p>
          <ul className="space-y-1">
            {demoUsers.map((u) => (
              <li key={u.username} className="flex items-center justify-between gap-2">
                <span>
                  <span className="font-mono">{u.username}</span> /{' '}
                  <span className="font-mono">{u.password}</span>
                  <span className="text-muted">
                    {' '}
                    · {u.role}, {u.tenants}
                  </span>
                </span>
                <button
                  type="button"
                  data-testid={`demo-user-${u.username}`}
                  onClick={() => {
                    setUsername(u.username);
                    setPassword(u.password);
                  }}
                  className="rounded border border-line-strong px-2 py-0.5 text-xs hover:bg-subtle"
                >
                  Use
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
