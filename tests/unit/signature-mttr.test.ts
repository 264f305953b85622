import { describe, expect, it } from 'vitest';
import { mttrFields, mttrSeconds } from '@/components/signatures/mttr';

describe('MTTR in minutes and hours', () => {
  it('shows whole hours in hours and anything else in minutes', () => {
    expect(mttrFields(7200)).toEqual({ amount: '2', unit: 'h' });
    expect(mttrFields(300)).toEqual({ amount: '5', unit: 'min' });
    expect(mttrFields(5400)).toEqual({ amount: '90', unit: 'min' });
    expect(mttrFields(90)).toEqual({ amount: '1.5', unit: 'min' });
    expect(mttrFields(null)).toEqual({ amount: '', unit: 'min' });
  });

  it('stores seconds, keeps empty as null and refuses text', () => {
    expect(mttrSeconds('2', 'h')).toBe(7200);
    expect(mttrSeconds('1.5', 'min')).toBe(90);
    expect(mttrSeconds(' ', 'min')).toBeNull();
    expect(mttrSeconds('soon', 'min')).toBeNaN();
    for (const s of [60, 300, 3600, 5400, 86400]) {
      const { amount, unit } = mttrFields(s);
      expect(mttrSeconds(amount, unit)).toBe(s);
    }
  });
});
