// The one SLI of the console (docs/slo.md): a signal is a first-signal outcome
// (signal.rendered, signal.timeout, signal.error); it is good when rendered
// within the objective's threshold; timeouts and errors are always bad. Tiles,
// the error budget, burn rates and breaches all count through these functions.
import { OBJECTIVES, type Objective } from './burn';

/** Below this many signals a ratio is "insufficient data", never 0 % or 100 %. */
export const SLO_MIN_EVENTS = Math.max(1, Number(process.env.TTFS_SLO_MIN_EVENTS ?? 30) || 30);

export interface SliCount {
  total: number;
  bad2000: number;
  bad5000: number;
}

/** SLI counts from event-type counters (rollup cells, a series point or raw counts). */
export function sliCount(c: {
  rendered: number;
  renderedOver2000: number;
  renderedOver5000: number;
  timeouts: number;
  errors: number;
}): SliCount {
  const failed = c.timeouts + c.errors;
  return {
    total: c.rendered + failed,
    bad2000: c.renderedOver2000 + failed,
    bad5000: c.renderedOver5000 + failed,
  };
}

const badOf = (c: SliCount, objective: Objective) => (objective.thresholdMs === 2000 ? c.bad2000 : c.bad5000);

/** Share of good signals for an objective; null without any signal. */
export function goodRatio(c: SliCount, objective: Objective): number | null {
  return c.total > 0 ? 1 - badOf(c, objective) / c.total : null;
}

export type Verdict = 'ok' | 'breach' | 'insufficient';

/** Whether a count meets an objective's target, or has too few signals to say. */
export function judge(c: SliCount, objective: Objective, min = SLO_MIN_EVENTS): Verdict {
  if (c.total < min) return 'insufficient';
  return goodRatio(c, objective)! < objective.target ? 'breach' : 'ok';
}

/** The verdict over both objectives: a breach of either is a breach. */
export function judgeBoth(c: SliCount, min = SLO_MIN_EVENTS): Verdict {
  const verdicts = OBJECTIVES.map((o) => judge(c, o, min));
  return verdicts.includes('insufficient') ? 'insufficient' : verdicts.includes('breach') ? 'breach' : 'ok';
}
