import { describe, expect, it } from 'vitest';
import { percentile, ratioInterval } from '../../bench/lib/stats.js';

/** `n` values from an exponential distribution with mean `mean`, from a fixed sequence. */
function exponential(n: number, mean: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return -mean * Math.log(1 - state / 4294967296);
  });
}

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = [5, 1, 4, 2, 3];
    expect(percentile(values, 50)).toBe(3);
    expect(percentile(values, 99)).toBe(5);
    expect(percentile(values, 1)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('ratioInterval', () => {
  it('is exactly 1 when every value is the same', () => {
    expect(ratioInterval([2, 2, 2, 2], [2, 2, 2], 99)).toEqual({ low: 1, high: 1 });
  });

  it('brackets the ratio of the samples and narrows as the samples grow', () => {
    const width = (n: number) => {
      const ours = exponential(n, 1.2, 7);
      const floor = exponential(n, 1, 11);
      const point = percentile(ours, 99) / percentile(floor, 99);
      const { low, high } = ratioInterval(ours, floor, 99);
      expect(low).toBeLessThanOrEqual(point);
      expect(high).toBeGreaterThanOrEqual(point);
      expect(low).toBeLessThan(high);
      return high - low;
    };
    expect(width(20_000)).toBeLessThan(width(500) / 2);
  });

  it('gives the same interval for the same latencies and seed', () => {
    const ours = exponential(2_000, 1.1, 3);
    const floor = exponential(2_000, 1, 5);
    const first = ratioInterval(ours, floor, 99, { seed: 42 });
    expect(ratioInterval(ours, floor, 99, { seed: 42 })).toEqual(first);
    expect(ratioInterval(ours, floor, 99, { seed: 43 })).not.toEqual(first);
  });

  it('has no interval without latencies', () => {
    expect(ratioInterval([], [1, 2], 99).low).toBeNaN();
    expect(ratioInterval([1, 2], [], 50).high).toBeNaN();
  });
});
