import { describe, expect, it } from 'vitest';
import { OBJECTIVES } from '@/lib/slo/burn';
import { goodRatio, judge, judgeBoth, sliCount } from '@/lib/slo/sli';

const [p50, p95] = OBJECTIVES as [(typeof OBJECTIVES)[0], (typeof OBJECTIVES)[0]];

describe('the one SLI', () => {
  it('counts timeouts and errors as bad signals for both objectives', () => {
    const c = sliCount({ rendered: 90, renderedOver2000: 30, renderedOver5000: 3, timeouts: 6, errors: 4 });
    expect(c).toEqual({ total: 100, bad2000: 40, bad5000: 13 });
    expect(goodRatio(c, p50)).toBeCloseTo(0.6);
    expect(goodRatio(c, p95)).toBeCloseTo(0.87);
  });

  it('judges against the targets, and below the minimum count says insufficient data', () => {
    const fine = { total: 100, bad2000: 50, bad5000: 5 };
    expect(judge(fine, p50)).toBe('ok');
    expect(judge(fine, p95)).toBe('ok');
    expect(judgeBoth(fine)).toBe('ok');
    expect(judgeBoth({ total: 100, bad2000: 51, bad5000: 5 })).toBe('breach');
    expect(judgeBoth({ total: 100, bad2000: 10, bad5000: 6 })).toBe('breach');
    // 4 signals, all bad: not a breach, too few to say.
    expect(judgeBoth({ total: 4, bad2000: 4, bad5000: 4 }, 30)).toBe('insufficient');
    expect(judgeBoth({ total: 30, bad2000: 30, bad5000: 30 }, 30)).toBe('breach');
    expect(goodRatio({ total: 0, bad2000: 0, bad5000: 0 }, p50)).toBeNull();
  });
});
