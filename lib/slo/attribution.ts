// Is a p95 rise a mix shift (more cold starts, each as fast as before) or a
// slowdown within segments? Compares two periods per cache state.

export interface PeriodStats {
  hitEvents: number;
  coldEvents: number;
  hitP95: number | null;
  coldP95: number | null;
  allP95: number | null;
}

export interface Attribution {
  coldShareBefore: number | null;
  coldShareNow: number | null;
  hitChange: number | null;
  coldChange: number | null;
  allChange: number | null;
  verdict: 'mix_shift' | 'slowdown' | 'both' | 'stable' | 'insufficient_data';
}

const change = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0 ? null : (now - before) / before;

/** Thresholds: a 5-point rise of the cold-start share is a mix shift; a 10 % p95 rise within a state is a slowdown. */
export function attribute(now: PeriodStats, before: PeriodStats, minEvents = 30): Attribution {
  const share = (s: PeriodStats) =>
    s.hitEvents + s.coldEvents > 0 ? s.coldEvents / (s.hitEvents + s.coldEvents) : null;
  const result: Attribution = {
    coldShareBefore: share(before),
    coldShareNow: share(now),
    hitChange: change(now.hitP95, before.hitP95),
    coldChange: change(now.coldP95, before.coldP95),
    allChange: change(now.allP95, before.allP95),
    verdict: 'stable',
  };
  if (now.hitEvents + now.coldEvents < minEvents || before.hitEvents + before.coldEvents < minEvents)
    return { ...result, verdict: 'insufficient_data' };
  const mix =
    result.coldShareNow !== null &&
    result.coldShareBefore !== null &&
    result.coldShareNow - result.coldShareBefore > 0.05;
  const slow = (result.hitChange ?? 0) > 0.1 || (result.coldChange ?? 0) > 0.1;
  result.verdict = mix && slow ? 'both' : mix ? 'mix_shift' : slow ? 'slowdown' : 'stable';
  return result;
}
