'use client';

import { useRouter } from 'next/navigation';
import { createContext, useContext, useEffect, useTransition, type ReactNode } from 'react';
import { formatDateTime, UTC_ZONE, ZONE_COOKIE, zoneCookieValue, type DisplayZone } from '@/lib/format';

const ZoneContext = createContext<DisplayZone>(UTC_ZONE);

/** The request's display zone for client components (same as the server's, so hydration agrees). */
export function DisplayZoneProvider({ zone, children }: { zone: DisplayZone; children: ReactNode }) {
  return <ZoneContext.Provider value={zone}>{children}</ZoneContext.Provider>;
}

export function useDisplayZone(): DisplayZone {
  return useContext(ZoneContext);
}

function writeCookie(zone: DisplayZone) {
  document.cookie = `${ZONE_COOKIE}=${zoneCookieValue(zone)}; path=/; max-age=31536000; samesite=lax`;
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * Local time / UTC switch. In local mode the browser's zone is written into the
 * cookie (and the page re-rendered) whenever it differs from the one the server
 * used, so server-rendered times are in the viewer's zone from then on.
 */
export function ZoneSwitch() {
  const zone = useDisplayZone();
  const router = useRouter();
  const [, startTransition] = useTransition();
  useEffect(() => {
    const own = browserZone();
    if (zone.mode === 'local' && own && own !== zone.timeZone) {
      writeCookie({ mode: 'local', timeZone: own });
      startTransition(() => router.refresh());
    }
  }, [zone, router]);

  function choose(mode: 'local' | 'utc') {
    writeCookie(mode === 'utc' ? UTC_ZONE : { mode: 'local', timeZone: browserZone() });
    startTransition(() => router.refresh());
  }

  return (
    <div
      role="radiogroup"
      aria-label="Times shown in"
      className="inline-flex rounded-md border border-line-strong p-0.5 text-xs"
    >
      {(['local', 'utc'] as const).map((mode) => (
        <button
          key={mode}
          type="button"
          role="radio"
          aria-checked={zone.mode === mode}
          data-testid={`zone-${mode}`}
          title={
            mode === 'local'
              ? zone.mode === 'local'
                ? `Local time (${zone.timeZone})`
                : 'Local time'
              : 'Coordinated Universal Time'
          }
          onClick={() => choose(mode)}
          className={`rounded px-2 py-1 ${zone.mode === mode ? 'bg-inverse text-inverse-fg' : 'text-muted'}`}
        >
          {mode === 'local' ? 'Local' : 'UTC'}
        </button>
      ))}
    </div>
  );
}

/** A date-time in the display zone, machine-readable in `dateTime`. */
export function Timestamp({
  value,
  seconds,
  className,
}: {
  value: Date | string | number;
  seconds?: boolean;
  className?: string;
}) {
  const zone = useDisplayZone();
  const date = new Date(value);
  return (
    <time dateTime={date.toISOString()} className={className} title={date.toISOString()}>
      {formatDateTime(date, zone, { seconds })}
    </time>
  );
}
