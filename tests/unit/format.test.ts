import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatDateTime,
  formatDay,
  formatDuration,
  formatDurationTick,
  formatRelative,
  formatTime,
  parseZoneCookie,
  UTC_ZONE,
  zoneCookieValue,
} from '@/lib/format';

const berlin = { mode: 'local', timeZone: 'Europe/Berlin' } as const;
const at = new Date('2026-12-07T21:40:05.500Z');

describe('date format', () => {
  it('shows UTC with its label and local time without one', () => {
    expect(formatDateTime(at, UTC_ZONE)).toBe('2026-12-07 21:40 UTC');
    expect(formatDateTime(at, berlin)).toBe('2026-12-07 22:40');
    expect(formatDateTime(at, berlin, { seconds: true })).toBe('2026-12-07 22:40:05');
    expect(formatDateTime('2026-12-31T23:30:00Z', berlin)).toBe('2027-01-01 00:30');
  });

  it('formats midnight as 00, not 24', () => {
    expect(formatTime('2026-12-07T00:05:00Z', UTC_ZONE)).toBe('00:05');
    expect(formatDay('2026-12-07T23:30:00Z', berlin)).toBe('8 Dec');
  });

  it('reads the zone cookie and refuses unknown zones', () => {
    expect(parseZoneCookie('utc')).toEqual(UTC_ZONE);
    expect(parseZoneCookie(zoneCookieValue(berlin))).toEqual(berlin);
    expect(parseZoneCookie('local:Not%2FA_Zone')).toEqual({ mode: 'local', timeZone: 'UTC' });
    expect(parseZoneCookie(undefined)).toEqual({ mode: 'local', timeZone: 'UTC' });
    expect(parseZoneCookie('garbage')).toEqual({ mode: 'local', timeZone: 'UTC' });
  });
});

describe('duration format', () => {
  it.each([
    [null, '–'],
    [Number.NaN, '–'],
    [0, '0 ms'],
    [840.4, '840 ms'],
    [999.4, '999 ms'],
    [1000, '1.00 s'],
    [2140, '2.14 s'],
    [12_345, '12.3 s'],
    [59_949, '59.9 s'],
    [59_950, '1 min 00 s'],
    [245_000, '4 min 05 s'],
    [7_380_000, '2 h 03 min'],
    [-1500, '−1.50 s'],
  ])('%s ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('counts whole seconds for clocks that tick once a second', () => {
    expect(
      [0, 4_400, 45_000, 59_400, 59_600, 245_000].map((ms) => formatDuration(ms, { wholeSeconds: true })),
    ).toEqual(['0 s', '4 s', '45 s', '59 s', '1 min 00 s', '4 min 05 s']);
  });

  it('keeps axis ticks short', () => {
    expect([100, 2000, 5000, 30_000, 120_000].map(formatDurationTick)).toEqual([
      '100 ms',
      '2 s',
      '5 s',
      '30 s',
      '2 min',
    ]);
  });

  it('says how long ago and counts with separators in every locale', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(formatRelative(now - 10_000, now)).toBe('just now');
    expect(formatRelative(now - 3 * 60_000, now)).toBe('3 min ago');
    expect(formatRelative(now + 2 * 3600_000, now)).toBe('in 2 h');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(12)).toBe('12');
  });
});
