'use client';

import { useSyncExternalStore } from 'react';
import { formatDuration } from '@/lib/format';

// One clock for every ticking value of a page. Null on the server and during
// hydration (both then render the same text); the time, each second, after.
let now = 0;
let timer: ReturnType<typeof setInterval> | null = null;
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
    queueMicrotask(() => {
      for (const l of listeners) l();
    });
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
      now = 0;
    }
  };
}

function useNow(): number | null {
  return useSyncExternalStore(
    subscribe,
    () => now || null,
    () => null,
  );
}

/**
 * Counts the ETA down from the moment the signal was written. The first render
 * (on the server and at hydration) shows the ETA as written, so both render the
 * same text; the countdown starts once mounted.
 */
export function Eta({ etaSeconds, updatedAt }: { etaSeconds: number; updatedAt: string }) {
  const current = useNow();
  const left =
    current === null
      ? etaSeconds
      : Math.max(0, Math.round(etaSeconds - (current - Date.parse(updatedAt)) / 1000));
  return (
    <span data-testid="eta" className="font-mono tabular-nums">
      {left === 0 ? 'any moment' : `~${formatDuration(left * 1000, { wholeSeconds: true })}`}
    </span>
  );
}

/** Time since `since`, ticking once mounted (the first render shows `fallback`). */
export function Elapsed({ since, fallback }: { since: string; fallback: string }) {
  const current = useNow();
  if (current === null) return <>{fallback}</>;
  return <>{formatDuration(Math.max(0, current - Date.parse(since)), { wholeSeconds: true })}</>;
}
