import { describe, expect, it } from 'vitest';
import { dayMs, durationParts, nextReminderAt, parseDuration } from '../../src/core/schedule.js';

describe('durations', () => {
  it.each([
    ['45s', 45_000],
    ['10m', 600_000],
    ['12h', 43_200_000],
    ['30d', 30 * dayMs],
    [' 2s ', 2_000],
  ])('parses %j', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each(['', '30', 'd', '0d', '-1d', '1.5d', '30 days', '3w', '99999d', '1e3s'])(
    'refuses %j',
    (value) => {
      expect(parseDuration(value)).toBeUndefined();
    },
  );

  it.each([
    [30 * dayMs, { unit: 'days', count: 30 }],
    [36 * 3_600_000, { unit: 'hours', count: 36 }],
    [90_000, { unit: 'seconds', count: 90 }],
    [120_000, { unit: 'minutes', count: 2 }],
  ])('names %d ms in its largest whole unit', (ms, parts) => {
    expect(durationParts(ms)).toEqual(parts);
  });
});

describe('next reminder', () => {
  const intervals = { default: 30 * dayMs, long: 90 * dayMs };
  it.each([
    ['default', 1_000 + 30 * dayMs],
    ['long', 1_000 + 90 * dayMs],
    ['never', null],
  ] as const)('the %s cadence is due at %j', (cadence, at) => {
    expect(nextReminderAt(1_000, cadence, intervals)).toBe(at);
  });
});
