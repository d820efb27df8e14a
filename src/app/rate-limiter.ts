/** Waits for a number of milliseconds; rejects if `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Spaces sends evenly at `perSecond`, so no window of any length sees more than the rate (a
 * burst-free token bucket), and holds every send while the platform asked the bot to wait.
 */
export interface RateLimiter {
  /** Resolves when the next send may go. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** No send before `until` (a platform-wide `retry_after`). */
  pauseUntil(until: number): void;
}

/** Creates a {@link RateLimiter} on an injected clock and sleep. */
export function createRateLimiter(perSecond: number, now: () => number, sleep: Sleep): RateLimiter {
  const spacing = 1000 / perSecond;
  let next = 0;
  return {
    async acquire(signal) {
      const current = now();
      const at = Math.max(current, next);
      next = at + spacing;
      if (at > current) await sleep(at - current, signal);
    },
    pauseUntil(until) {
      next = Math.max(next, until);
    },
  };
}
