import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/app/rate-limiter.js';

/** A clock that only moves when the limiter sleeps. */
function virtualClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    sleeps,
  };
}

describe('rate limiter', () => {
  it('spaces sends evenly at the rate, with no burst', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter(25, clock.now, clock.sleep);
    const times: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      await limiter.acquire();
      times.push(clock.now());
    }
    expect(times[0]).toBe(0);
    expect(times[49]).toBe(49 * 40);
    // No one-second window holds more than 25 sends.
    for (const start of times)
      expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(25);
  });

  it('holds every send until a platform-wide pause ends', async () => {
    const clock = virtualClock();
    const limiter = createRateLimiter(10, clock.now, clock.sleep);
    await limiter.acquire();
    limiter.pauseUntil(5_000);
    await limiter.acquire();
    expect(clock.now()).toBe(5_000);
  });
});
