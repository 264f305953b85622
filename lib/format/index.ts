// One date and duration format for the whole console (docs/ui.md). Pure
// functions, safe on the server and in the browser: given the same display
// zone they return the same text, so server-rendered times hydrate unchanged.

/** Where times are shown: UTC, or the viewer's own IANA zone ("local"). */
export interface DisplayZone {
  mode: 'local' | 'utc';
  /** IANA name used for formatting: 'UTC' in utc mode or before the browser told its zone. */
  timeZone: string;
}

export const ZONE_COOKIE = 'ttfs-tz';
export const UTC_ZONE: DisplayZone = { mode: 'utc', timeZone: 'UTC' };

export function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The cookie holds `utc` or `local:<IANA zone>` (the browser writes its zone).
 * Local mode without a known zone formats in UTC and says so.
 */
export function parseZoneCookie(value: string | undefined): DisplayZone {
  if (!value || value === 'utc') return value === 'utc' ? UTC_ZONE : { mode: 'local', timeZone: 'UTC' };
  if (value.startsWith('local:')) {
    const zone = decodeURIComponent(value.slice('local:'.length));
    if (isTimeZone(zone)) return { mode: 'local', timeZone: zone };
  }
  return { mode: 'local', timeZone: 'UTC' };
}

export function zoneCookieValue(zone: DisplayZone): string {
  return zone.mode === 'utc' ? 'utc' : `local:${encodeURIComponent(zone.timeZone)}`;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    partsCache.set(timeZone, f);
  }
  return f;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function parts(value: Date | string | number, zone: DisplayZone) {
  const date = value instanceof Date ? value : new Date(value);
  const out: Record<string, string> = {};
  for (const p of formatter(zone.timeZone).formatToParts(date)) out[p.type] = p.value;
  return {
    year: out.year!,
    month: out.month!,
    day: out.day!,
    hour: out.hour === '24' ? '00' : out.hour!,
    minute: out.minute!,
    second: out.second!,
  };
}

const suffix = (zone: DisplayZone) => (zone.timeZone === 'UTC' ? ' UTC' : '');
const clock = (p: ReturnType<typeof parts>, seconds?: boolean) =>
  `${p.hour}:${p.minute}${seconds ? `:${p.second}` : ''}`;

/** `2026-12-07 21:40` (`… UTC` when shown in UTC): ISO order, 24-hour clock. */
export function formatDateTime(
  value: Date | string | number,
  zone: DisplayZone,
  opts: { seconds?: boolean; zoneLabel?: boolean } = {},
): string {
  const p = parts(value, zone);
  return `${p.year}-${p.month}-${p.day} ${clock(p, opts.seconds)}${opts.zoneLabel === false ? '' : suffix(zone)}`;
}

/** `21:40` (or `21:40:05`), no date and no zone label: for axes and dense tables. */
export function formatTime(
  value: Date | string | number,
  zone: DisplayZone,
  opts: { seconds?: boolean } = {},
) {
  return clock(parts(value, zone), opts.seconds);
}

/** `7 Dec`: for day ticks. */
export function formatDay(value: Date | string | number, zone: DisplayZone): string {
  const p = parts(value, zone);
  return `${Number(p.day)} ${MONTHS[Number(p.month) - 1]}`;
}

/**
 * Durations: `–` when unknown, `840 ms` below 1 s, `2.14 s` below 10 s, `12.3 s`
 * below a minute, `4 min 05 s` below an hour, `2 h 03 min` beyond. With
 * `wholeSeconds` (clocks that tick once a second) below a minute is `45 s`.
 */
export function formatDuration(ms: number | null | undefined, opts: { wholeSeconds?: boolean } = {}): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const sign = ms < 0 ? '−' : '';
  const v = Math.abs(ms);
  if (opts.wholeSeconds && v < 59_500) return `${sign}${Math.round(v / 1000)} s`;
  if (v < 1000) return `${sign}${Math.round(v)} ms`;
  if (v < 10_000) return `${sign}${(v / 1000).toFixed(2)} s`;
  if (v < 59_950 && !opts.wholeSeconds) return `${sign}${(v / 1000).toFixed(1)} s`;
  const s = Math.round(v / 1000);
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const m = Math.round(s / 60);
  return `${sign}${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Short durations for axis ticks: `500 ms`, `2 s`, `30 s`, `2 min`. */
export function formatDurationTick(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toPrecision(2))} s`;
  return `${Number((ms / 60_000).toPrecision(2))} min`;
}

/** `3 min ago`, `in 2 h`, `just now`, relative to `now`. */
export function formatRelative(value: Date | string | number, now: Date | number): string {
  const ms = (now instanceof Date ? now.getTime() : now) - new Date(value).getTime();
  const future = ms < 0;
  const v = Math.abs(ms);
  if (v < 45_000) return 'just now';
  const text =
    v < 3600_000
      ? `${Math.round(v / 60_000)} min`
      : v < 86400_000
        ? `${Math.round(v / 3600_000)} h`
        : `${Math.round(v / 86400_000)} d`;
  return future ? `in ${text}` : `${text} ago`;
}

/** `97.9%` (`–` when unknown). */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  return ratio === null || ratio === undefined || !Number.isFinite(ratio)
    ? '–'
    : `${(ratio * 100).toFixed(digits)}%`;
}

/** `1,234,567` in every locale, so server and browser agree. */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
