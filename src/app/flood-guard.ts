/** What to do with one more request from a user. */
export type FloodVerdict = 'allow' | 'warn' | 'ignore';

/** Per-user flood control: bursts are fine, a stream is slowed down gracefully. */
export interface FloodGuard {
  check(key: string): FloodVerdict;
}

/**
 * Allows up to `limit` requests per user in any `windowMs`. The first request over the limit
 * gets `warn` (answer once, kindly), the following ones `ignore` for `quietMs`. Other users are
 * not affected. Memory stays bounded: idle users are forgotten.
 */
export function createFloodGuard(options: {
  readonly limit: number;
  readonly windowMs: number;
  readonly quietMs: number;
  readonly now: () => number;
}): FloodGuard {
  const recent = new Map<string, { times: number[]; quietUntil: number }>();
  let lastSweep = 0;
  const sweep = (now: number): void => {
    if (now - lastSweep < options.windowMs) return;
    lastSweep = now;
    for (const [key, entry] of recent) {
      if (entry.quietUntil <= now && (entry.times.at(-1) ?? 0) <= now - options.windowMs)
        recent.delete(key);
    }
  };
  return {
    check(key) {
      const now = options.now();
      sweep(now);
      const entry = recent.get(key) ?? { times: [], quietUntil: 0 };
      recent.set(key, entry);
      if (entry.quietUntil > now) return 'ignore';
      entry.times = entry.times.filter((t) => t > now - options.windowMs);
      entry.times.push(now);
      if (entry.times.length <= options.limit) return 'allow';
      entry.quietUntil = now + options.quietMs;
      entry.times = [];
      return 'warn';
    },
  };
}
