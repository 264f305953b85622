// MTTR is stored in seconds (the schema's outcome keys) and entered in
// minutes or hours.

export type MttrUnit = 'min' | 'h';

/** Seconds as the form shows them: whole hours in hours, anything else in minutes. */
export function mttrFields(seconds: number | null | undefined): { amount: string; unit: MttrUnit } {
  if (seconds == null) return { amount: '', unit: 'min' };
  if (seconds >= 3600 && seconds % 3600 === 0) return { amount: String(seconds / 3600), unit: 'h' };
  return { amount: String(Math.round((seconds / 60) * 100) / 100), unit: 'min' };
}

/** The amount in its unit as seconds; null for an empty field, NaN for text that is not a number. */
export function mttrSeconds(amount: string, unit: MttrUnit): number | null {
  if (amount.trim() === '') return null;
  const n = Number(amount);
  return Number.isFinite(n) ? Math.round(n * (unit === 'h' ? 3600 : 60)) : Number.NaN;
}
