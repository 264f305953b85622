'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { useDisplayZone } from '@/components/format/zone';
import { formatTime } from '@/lib/format';

const RANGES = ['1h', '24h', '7d', '30d', '90d'] as const;

function Select({
  label,
  name,
  value,
  options,
  onChange,
}: {
  label: string;
  name: string;
  value: string;
  options: [string, string][];
  onChange: (name: string, value: string) => void;
}) {
  return (
    <label className="flex items-center gap-1.5 text-xs text-muted">
      {label}
      <select
        data-testid={`filter-${name}`}
        value={value}
        onChange={(e) => onChange(name, e.target.value)}
        className="rounded-md border border-line-strong bg-surface px-2 py-1 text-sm text-fg"
      >
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Filters live in the URL: a link reproduces the view; back and forward work. */
export function FiltersBar({ renderedAt }: { renderedAt: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const [paused, setPaused] = useState(false);
  const zone = useDisplayZone();

  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params.toString());
    if (value) next.set(name, value);
    else next.delete(name);
    // Another filter closes the drill-down: drop its bucket and its surface and tenant with it.
    if (!name.startsWith('drill'))
      for (const key of [...next.keys()]) if (key.startsWith('drill')) next.delete(key);
    startTransition(() => router.push(`${pathname}?${next}`, { scroll: false }));
  };

  // Auto-refresh every 30 s: the server components re-run, the URL stays.
  useEffect(() => {
    if (paused) return;
    const timer = setInterval(() => startTransition(() => router.refresh()), 30_000);
    return () => clearInterval(timer);
  }, [paused, router]);

  const range = params.get('range') ?? '24h';
  return (
    <div className="mb-5 flex flex-wrap items-center gap-3" aria-busy={pending} data-testid="filters">
      <div
        role="group"
        aria-label="Time range"
        className="inline-flex rounded-md border border-line-strong p-0.5"
      >
        {RANGES.map((r) => (
          <button
            key={r}
            type="button"
            data-testid={`range-${r}`}
            aria-pressed={range === r}
            onClick={() => set('range', r)}
            className={`rounded px-2.5 py-1 text-xs font-medium ${range === r ? 'bg-inverse text-inverse-fg' : 'text-muted'}`}
          >
            {r}
          </button>
        ))}
      </div>
      <Select
        label="Surface"
        name="surface"
        value={params.get('surface') ?? ''}
        onChange={set}
        options={[
          ['', 'all'],
          ['ui', 'UI'],
          ['cli', 'CLI'],
          ['ci', 'CI'],
        ]}
      />
      <Select
        label="Cache"
        name="cache"
        value={params.get('cache') ?? ''}
        onChange={set}
        options={[
          ['', 'all'],
          ['hit', 'cache hit'],
          ['cold', 'cold start'],
        ]}
      />
      <Select
        label="Split by"
        name="split"
        value={params.get('split') ?? 'surface'}
        onChange={set}
        options={[
          ['surface', 'surface'],
          ['cache', 'cache hit / cold start'],
        ]}
      />
      <div className="ml-auto flex items-center gap-3 text-xs text-muted">
        <span data-testid="updated-at">
          Updated{' '}
          <time dateTime={renderedAt} title={renderedAt}>
            {formatTime(renderedAt, zone, { seconds: true })}
          </time>
          {pending ? ' · refreshing…' : ''}
        </span>
        <label className="flex items-center gap-1">
          <input
            type="checkbox"
            data-testid="auto-refresh"
            checked={!paused}
            onChange={(e) => setPaused(!e.target.checked)}
          />{' '}
          auto-refresh 30 s
        </label>
      </div>
    </div>
  );
}
