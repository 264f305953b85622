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
        className={`h-2 w-2 rounded-full ${state === 'live' ? 'bg-ok motion-safe:animate-pulse' : state === 'connecting' ? 'bg-warn' : 'bg-danger'}`}
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
      className="mb-4 flex flex-wrap items-center justify-between gap-2 rounded-md border border-line bg-warn-soft px-3 py-2 text-sm text-warn"
    >
      <span>Live updates are interrupted. Reconnecting automatically; what you see may be out of date.</span>
      {onRetry && (
        <button
          type="button"
          onClick={onRetry}
          data-testid="offline-retry"
          className="min-h-9 rounded-md border border-line-strong px-3 py-1 text-sm font-medium hover:bg-subtle"
        >
          Reconnect now
        </button>
      )}
    </div>
  );
}
