import { describe, expect, it } from 'vitest';
import { burnRate, errorBudget, evaluateRule, maxBurnRate, planRule, WORKBOOK_RULES } from '@/lib/slo/burn';

const [fast, slow, ticket] = WORKBOOK_RULES as [
  (typeof WORKBOOK_RULES)[0],
  (typeof WORKBOOK_RULES)[0],
  (typeof WORKBOOK_RULES)[0],
];

describe('burn rate', () => {
  it('is the error ratio over the error budget', () => {
    // 95% target: budget 5%; 10 bad of 100 = 10% errors = 2x.
    expect(burnRate({ total: 100, bad: 10 }, 0.95)).toBeCloseTo(2, 12);
    // 50% target: budget 50%; 30 bad of 100 = 0.6x.
    expect(burnRate({ total: 100, bad: 30 }, 0.5)).toBeCloseTo(0.6, 12);
    expect(burnRate({ total: 0, bad: 0 }, 0.95)).toBeNull();
  });

  it('tops out at 1 / (1 - target): 2x at 50%, 20x at 95%', () => {
    expect(maxBurnRate(0.5)).toBe(2);
    expect(maxBurnRate(0.95)).toBeCloseTo(20, 12);
    expect(burnRate({ total: 40, bad: 40 }, 0.5)).toBe(2);
  });
});

describe('rule feasibility', () => {
  it('keeps the workbook thresholds at a 95% target (max 20x)', () => {
    for (const rule of WORKBOOK_RULES) {
      const plan = planRule(rule, 0.95);
      expect(plan.feasible).toBe(true);
      expect(plan.threshold).toBe(rule.burnRate);
    }
  });

  it('shows that 14.4x and 6x can never fire at a 50% target, and derives workable thresholds', () => {
    const fastPlan = planRule(fast, 0.5);
    const slowPlan = planRule(slow, 0.5);
    expect(fastPlan.feasible).toBe(false);
    expect(slowPlan.feasible).toBe(false);
    expect(fastPlan.explanation).toMatch(/never fire/);
    // 90% of measurements bad over 1 h: 0.9 / 0.5 = 1.8x; 75% over 6 h: 1.5x.
    expect(fastPlan.threshold).toBe(1.8);
    expect(slowPlan.threshold).toBe(1.5);
    expect(fastPlan.threshold).toBeLessThan(maxBurnRate(0.5));
    // The 1x ticket rule is reachable at 50%.
    expect(planRule(ticket, 0.5)).toMatchObject({ feasible: true, threshold: 1 });
  });
});

describe('rule evaluation', () => {
  it('fires only when both windows burn at or above the threshold', () => {
    const plan = planRule(fast, 0.95);
    expect(evaluateRule(plan, { total: 1000, bad: 800 }, { total: 100, bad: 90 }, 0.95, 50).state).toBe(
      'firing',
    );
    // Long window hot, short window recovered: not firing (the workbook's reset).
    expect(evaluateRule(plan, { total: 1000, bad: 800 }, { total: 100, bad: 1 }, 0.95, 50).state).toBe('ok');
  });

  it('says insufficient data below the minimum count instead of 0% or 100%', () => {
    const plan = planRule(fast, 0.95);
    const result = evaluateRule(plan, { total: 20, bad: 20 }, { total: 5, bad: 5 }, 0.95, 50);
    expect(result.state).toBe('insufficient_data');
    expect(result.longBurn).toBeNull();
  });

  it('can fire with the derived threshold at 50%', () => {
    const plan = planRule(fast, 0.5);
    expect(evaluateRule(plan, { total: 200, bad: 190 }, { total: 50, bad: 48 }, 0.5, 50).state).toBe(
      'firing',
    );
    expect(evaluateRule(plan, { total: 200, bad: 150 }, { total: 50, bad: 40 }, 0.5, 50).state).toBe('ok');
  });
});

describe('error budget', () => {
  it('counts remaining budget against the allowed bad events', () => {
    // 10,000 events at 95%: 500 bad allowed; 125 bad spends 25%.
    const budget = errorBudget({ total: 10_000, bad: 125 }, 0.95)!;
    expect(budget.allowedBad).toBeCloseTo(500, 9);
    expect(budget.remaining).toBeCloseTo(0.75, 12);
    expect(budget.sli).toBeCloseTo(0.9875, 12);
    expect(errorBudget({ total: 100, bad: 60 }, 0.5)!.remaining).toBeCloseTo(-0.2, 12);
    expect(errorBudget({ total: 0, bad: 0 }, 0.5)).toBeNull();
  });
});

import { attribute } from '@/lib/slo/attribution';

describe('p95 attribution', () => {
  const base = { hitEvents: 800, coldEvents: 200, hitP95: 1000, coldP95: 4000, allP95: 3000 };
  it('calls more cold starts at unchanged speed a mix shift', () => {
    const a = attribute({ ...base, hitEvents: 500, coldEvents: 500, allP95: 3800 }, base);
    expect(a.verdict).toBe('mix_shift');
    expect(a.coldShareBefore).toBeCloseTo(0.2, 12);
    expect(a.coldShareNow).toBeCloseTo(0.5, 12);
  });
  it('calls slower segments at the same mix a slowdown, and both when both happen', () => {
    expect(attribute({ ...base, coldP95: 5000 }, base).verdict).toBe('slowdown');
    expect(attribute({ ...base, hitEvents: 500, coldEvents: 500, hitP95: 1300 }, base).verdict).toBe('both');
    expect(attribute(base, base).verdict).toBe('stable');
  });
  it('needs enough events in both periods', () => {
    expect(attribute({ ...base, hitEvents: 5, coldEvents: 5 }, base).verdict).toBe('insufficient_data');
  });
});
