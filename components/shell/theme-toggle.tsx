'use client';

import { useState } from 'react';
import { THEME_COOKIE, THEMES, type Theme } from '@/lib/theme';

const LABEL: Record<Theme, string> = { system: 'System', light: 'Light', dark: 'Dark' };

// Applied to the document at once; the cookie lets the server render the same
// theme on the next request, so there is no flash and no inline script.
function applyTheme(next: Theme) {
  document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
  const root = document.documentElement;
  root.classList.toggle('dark', next === 'dark');
  if (next === 'system') root.dataset.theme = 'system';
  else delete root.dataset.theme;
}

export function ThemeToggle({ theme: initial }: { theme: Theme }) {
  const [theme, setTheme] = useState(initial);

  function apply(next: Theme) {
    setTheme(next);
    applyTheme(next);
  }

  return (
    <div
      role="radiogroup"
      aria-label="Theme"
      className="inline-flex rounded-md border border-line-strong p-0.5 text-xs"
    >
      {THEMES.map((t) => (
        <button
          key={t}
          type="button"
          role="radio"
          aria-checked={theme === t}
          data-testid={`theme-${t}`}
          onClick={() => apply(t)}
          className={`rounded px-2 py-1 ${theme === t ? 'bg-inverse text-inverse-fg' : 'text-muted'}`}
        >
          {LABEL[t]}
        </button>
      ))}
    </div>
  );
}
