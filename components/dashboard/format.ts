export const fmtMs = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
export const fmtPct = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(digits)}%`;
export function delta(now: number | null, before: number | null, lowerIsBetter = true) {
  if (now === null || before === null || before === 0) return null;
  const change = (now - before) / before;
  return {
    text: `${change > 0 ? '+' : ''}${(change * 100).toFixed(0)}%`,
    good: lowerIsBetter ? change <= 0 : change >= 0,
  };
}
