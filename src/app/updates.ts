import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** Where every platform update passes: timing, a debug line, and the count of those in flight. */
export interface UpdateTracker {
  /**
   * Runs the handling of one update: logs one debug line when it ends, feeds the metrics, and
   * counts it as in flight meanwhile. Errors pass through unchanged (the adapter's catch-all
   * still handles them).
   */
  track<T>(platform: string, kind: string, handle: () => Promise<T>): Promise<T>;
  /** How many updates are being handled now. */
  inFlight(): number;
  /**
   * Waits until no update is in flight, at most `timeoutMs`. Resolves `true` when all finished,
   * `false` when the time ran out.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

/** Creates the tracker; `now` in milliseconds (high resolution by default). */
export function createUpdateTracker(options: {
  readonly log: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => number;
}): UpdateTracker {
  const now = options.now ?? (() => performance.now());
  let count = 0;
  let idle: (() => void)[] = [];
  const finish = () => {
    count -= 1;
    if (count > 0) return;
    const waiting = idle;
    idle = [];
    for (const wake of waiting) wake();
  };
  return {
    async track(platform, kind, handle) {
      const started = now();
      count += 1;
      let outcome: 'ok' | 'error' = 'error';
      try {
        const result = await handle();
        outcome = 'ok';
        return result;
      } finally {
        const ms = now() - started;
        options.metrics?.observeUpdate(platform, outcome, ms / 1000);
        // At info level nothing is built for a line pino would drop.
        if (options.log.isLevelEnabled('debug')) {
          options.log.debug({ platform, kind, ms: Math.round(ms * 10) / 10, outcome }, 'update');
        }
        finish();
      }
    },
    inFlight: () => count,
    drain(timeoutMs) {
      if (count === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          idle = idle.filter((wake) => wake !== done);
          resolve(false);
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        idle.push(done);
      });
    },
  };
}
