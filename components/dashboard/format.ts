import { formatDuration, formatPercent } from '@/lib/format';

// The overview's short names for the console's one format (lib/format).
export const fmtMs = formatDuration;
export const fmtPct = formatPercent;

export function delta(now: number | null, before: number | null, lowerIsBetter = true) {
  if (now === null || before === null || before === 0) return null;
  const change = (now - before) / before;
  return {
    text: `${change > 0 ? '+' : ''}${(change * 100).toFixed(0)}%`,
    good: lowerIsBetter ? change <= 0 : change >= 0,
  };
}
