// Job facts shared by the job pages (dates and durations come from lib/format).

const TERMINAL = ['succeeded', 'failed', 'canceled'];
export function isTerminal(kind: string) {
  return TERMINAL.includes(kind);
}

/** The source of a signal in words. */
export const SOURCE_LABEL: Record<string, string> = {
  snapshot: 'Live snapshot',
  cold_start: 'Telemetry (no snapshot kept)',
  failure_index: 'Live snapshot + failure signature',
};

/** A diagnostics value as text; null when missing or empty. */
export const text = (value: unknown) =>
  value === undefined || value === null || value === '' ? null : String(value);
