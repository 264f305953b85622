'use client';

import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import type { Signal } from '@/lib/schemas/signal';

export type StreamState = 'connecting' | 'live' | 'offline';

/**
 * One EventSource per page (browsers allow 6 connections per host over
 * HTTP/1.1, so tabs must not open one per widget). Calls `onSignal` for every
 * change and `onResync` whenever the client must re-read: after a reconnect,
 * or when the server says notifications may have been missed. The callbacks
 * are Effect Events: each event calls the latest ones the page rendered, and a
 * new callback does not reopen the stream; only a new `query` does. `retry`
 * opens a new connection at once instead of waiting for the browser's next attempt.
 */
export function useSignalStream(
  query: string,
  onSignal: (signal: Signal) => void,
  onResync: () => void,
): { state: StreamState; retry: () => void } {
  const [state, setState] = useState<StreamState>('connecting');
  const [attempt, setAttempt] = useState(0);
  const signal = useEffectEvent(onSignal);
  const resync = useEffectEvent(onResync);
  useEffect(() => {
    let opened = attempt > 0;
    const source = new EventSource(`/api/v1/stream/signals${query ? `?${query}` : ''}`);
    source.addEventListener('ready', () => {
      setState('live');
      // A reconnect may have missed changes: re-read what the page shows.
      if (opened) resync();
      opened = true;
    });
    source.addEventListener('signal', (event) => signal(JSON.parse((event as MessageEvent).data) as Signal));
    source.addEventListener('resync', () => resync());
    // The session ended (signed out, here or in another tab): a reconnect would get 401.
    source.addEventListener('signed-out', () => {
      source.close();
      setState('offline');
      // A full load, not a client navigation: nothing of the signed-out session may stay in memory.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.href = `/sign-in?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
    });
    source.onerror = () => setState('offline'); // EventSource retries by itself (server sends retry:)
    return () => source.close();
  }, [query, attempt]);
  const retry = useCallback(() => {
    setState('connecting');
    setAttempt((n) => n + 1);
  }, []);
  return { state, retry };
}
