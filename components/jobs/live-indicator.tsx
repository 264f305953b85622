import type { StreamState } from './use-signal-stream';

export function LiveIndicator({ state }: { state: StreamState }) {
  const label = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span
      data-testid="live-indicator"
      data-state={state}
      className="inline-flex items-center gap-1.5 text-xs font-medium text-slate-600 dark:text-slate-300"
    >
      <span
        aria-hidden
        className={`h-2 w-2 rounded-full ${state === 'live' ? 'bg-emerald-500 motion-safe:animate-pulse' : state === 'connecting' ? 'bg-amber-400' : 'bg-rose-500'}`}
      />
      {label}
    </span>
  );
}

/** Shown on every live page while its stream is down, with a way to reconnect now. */
export function OfflineBanner({ state, onRetry }: { state: StreamState; onRetry?: () => void }) {
  if (state !== 'offline') return null;
  return (
    <div
      role="status"
      data-testid="offline-banner"
      className="mb-4 flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <span>Live updates are interrupted. Reconnecting automatically; what you see may be out of date.</span>
      {onRetry && (
        <button
          type="button"
          onClick={onRetry}
          data-testid="offline-retry"
          className="min-h-9 rounded-md border border-amber-400 px-3 py-1 text-sm font-medium hover:bg-amber-100 dark:border-amber-700 dark:hover:bg-amber-900"
        >
          Reconnect now
        </button>
      )}
    </div>
  );
}
