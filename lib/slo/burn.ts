// Error budgets and burn rates for ratio SLIs (share of good events), after the
// Google SRE Workbook's multi-window, multi-burn-rate alerts, with the maths
// made explicit for low targets where the textbook thresholds can never fire.

export interface Objective {
  id: 'p50' | 'p95';
  /** A measurement is good when ttfs_ms <= thresholdMs (timeouts and errors are always bad). */
  thresholdMs: number;
  /** Target share of good events, e.g. 0.95. */
  target: number;
}

export const P50_OBJECTIVE: Objective = { id: 'p50', thresholdMs: 2000, target: 0.5 };
export const P95_OBJECTIVE: Objective = { id: 'p95', thresholdMs: 5000, target: 0.95 };
export const OBJECTIVES: Objective[] = [P50_OBJECTIVE, P95_OBJECTIVE];

export interface WindowCounts {
  total: number;
  bad: number;
}

/** Burn rate = error ratio / error budget (1 - target). 1 spends the budget exactly over the SLO period. */
export function burnRate(counts: WindowCounts, target: number): number | null {
  if (counts.total <= 0) return null;
  return counts.bad / counts.total / (1 - target);
}

/** The highest burn rate possible: every event bad. */
export function maxBurnRate(target: number): number {
  return 1 / (1 - target);
}

export interface BurnRule {
  name: string;
  severity: 'page' | 'ticket';
  longWindowHours: number;
  shortWindowHours: number;
  /** Workbook threshold as a burn rate (14.4, 6, 1). */
  burnRate: number;
  /** Share of a 30-day budget the rule fires at, e.g. 2% for 14.4x over 1 h. */
  budgetShare: number;
}

/** The SRE Workbook's rules for a 30-day SLO period. */
export const WORKBOOK_RULES: BurnRule[] = [
  {
    name: '2% of budget in 1 h',
    severity: 'page',
    longWindowHours: 1,
    shortWindowHours: 5 / 60,
    burnRate: 14.4,
    budgetShare: 0.02,
  },
  {
    name: '5% of budget in 6 h',
    severity: 'page',
    longWindowHours: 6,
    shortWindowHours: 0.5,
    burnRate: 6,
    budgetShare: 0.05,
  },
  {
    name: '10% of budget in 3 d',
    severity: 'ticket',
    longWindowHours: 72,
    shortWindowHours: 6,
    burnRate: 1,
    budgetShare: 0.1,
  },
];

export interface RulePlan {
  rule: BurnRule;
  /** Whether the workbook threshold can be reached at all for this target. */
  feasible: boolean;
  /** The threshold used: the workbook's when feasible, else a derived one. */
  threshold: number;
  derived: boolean;
  explanation: string;
}

/**
 * For a target whose maximum burn rate (1 / (1 - target)) is not above a
 * rule's threshold, the rule can never fire. Then we derive a threshold that
 * keeps the rule's intent as a share of bad events in the window: the fast page
 * fires when 90% of measurements are bad, the slow page at 75%, the ticket at
 * 50% (error ratio = burn rate x (1 - target)).
 */
export const DERIVED_BAD_SHARE: Record<string, number> = {
  '2% of budget in 1 h': 0.9,
  '5% of budget in 6 h': 0.75,
  '10% of budget in 3 d': 0.5,
};

export function planRule(rule: BurnRule, target: number): RulePlan {
  const max = maxBurnRate(target);
  if (rule.burnRate < max) {
    return {
      rule,
      feasible: true,
      threshold: rule.burnRate,
      derived: false,
      explanation: `fires at ${rule.burnRate}x (the burn rate can reach ${round(max)}x)`,
    };
  }
  const share = DERIVED_BAD_SHARE[rule.name] ?? 0.9;
  const threshold = share / (1 - target);
  return {
    rule,
    feasible: false,
    threshold: round(threshold),
    derived: true,
    explanation: `${rule.burnRate}x can never fire: at a ${round(target * 100)}% target the burn rate tops out at ${round(max)}x. Derived: ${round(threshold)}x, i.e. ${share * 100}% of measurements bad over ${rule.longWindowHours} h`,
  };
}

export type RuleState = 'firing' | 'ok' | 'insufficient_data';

export function evaluateRule(
  plan: RulePlan,
  long: WindowCounts,
  short: WindowCounts,
  target: number,
  minEvents: number,
): { state: RuleState; longBurn: number | null; shortBurn: number | null } {
  const longBurn = long.total >= minEvents ? burnRate(long, target) : null;
  const shortBurn = short.total >= Math.max(1, Math.ceil(minEvents / 4)) ? burnRate(short, target) : null;
  if (longBurn === null || shortBurn === null) return { state: 'insufficient_data', longBurn, shortBurn };
  return {
    state: longBurn >= plan.threshold && shortBurn >= plan.threshold ? 'firing' : 'ok',
    longBurn,
    shortBurn,
  };
}

export interface Budget {
  /** Allowed bad events in the period so far: (1 - target) x total. */
  allowedBad: number;
  bad: number;
  /** 1 = untouched, 0 = spent, negative = overspent. */
  remaining: number;
  sli: number;
}

export function errorBudget(counts: WindowCounts, target: number): Budget | null {
  if (counts.total <= 0) return null;
  const allowedBad = (1 - target) * counts.total;
  return {
    allowedBad,
    bad: counts.bad,
    remaining: 1 - counts.bad / allowedBad,
    sli: 1 - counts.bad / counts.total,
  };
}

function round(x: number) {
  return Math.round(x * 100) / 100;
}
