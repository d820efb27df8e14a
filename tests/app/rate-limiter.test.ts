import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { abortableSleep } from '../../src/app/dispatcher.js';
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

describe('abortable sleep', () => {
  it('leaves no abort listener behind, however many times a loop sleeps', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 30; i += 1) await abortableSleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('ends at once when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
