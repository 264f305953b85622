import type { StreamState } from './use-signal-stream';

export function LiveIndicator({ state }: { state: StreamState }) {
  const label = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span
      data-testid="live-indicator"
      data-state={state}
      className="inline-flex items-center gap-1.5 text-xs font-medium text-muted"
    >
      <span
        aria-hidden
        className={`h-2 w-2 rounded-full ${state === 'live' ? 'bg-emerald-500 motion-safe:animate-pulse' : state === 'connecting' ? 'bg-amber-400' : 'bg-rose-500'}`}
      />
      {label}
    </span>
  );
}

export function OfflineBanner({ state }: { state: StreamState }) {
  if (state !== 'offline') return null;
  return (
    <div
      role="status"
      data-testid="offline-banner"
      className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      Live updates are interrupted. Reconnecting automatically; what you see may be out of date.
    </div>
  );
}
