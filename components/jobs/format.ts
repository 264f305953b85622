// Dates and durations as the job pages show them: UTC and the same text on the
// server and in the browser (a locale- or zone-dependent text would differ
// between the two and break hydration).

/** "2026-12-07 21:30 UTC" (seconds with `seconds`). */
export function formatUtc(value: string | Date, seconds = false): string {
  const iso = typeof value === 'string' ? new Date(value).toISOString() : value.toISOString();
  return `${iso.slice(0, seconds ? 19 : 16).replace('T', ' ')} UTC`;
}

/** "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export const TERMINAL = ['succeeded', 'failed', 'canceled'];
export function isTerminal(kind: string) {
  return TERMINAL.includes(kind);
}

/** The source of a signal in words. */
export const SOURCE_LABEL: Record<string, string> = {
  snapshot: 'Live snapshot',
  cold_start: 'Telemetry (no snapshot kept)',
  failure_index: 'Live snapshot + failure signature',
};
