import type { Store } from '../core/ports.js';
import type { Logger } from './logger.js';

/** The retention sweep: deletes users inactive for the retention period, once a day. */
export interface RetentionSweep {
  /** Deletes what is due now; returns how many users were deleted. */
  runOnce(): Promise<number>;
  start(): void;
  stop(): void;
}

/** Users deleted per transaction: a few milliseconds of work, then other work may run. */
const batchSize = 500;

/** Lets pending I/O (updates, timers) run between two batches of a long sweep. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Creates the sweep. A user with no activity for `retentionMs` and no reminder scheduled is
 * deleted with all their data, in batches so that one sweep never holds the database for long:
 * each batch is one transaction (found through the index on `last_seen_at`), and the event loop
 * runs between batches, so updates keep being answered during a sweep of a large backlog.
 */
export function createRetentionSweep(options: {
  readonly store: Store;
  readonly retentionMs: number;
  readonly everyMs: number;
  readonly now: () => number;
  readonly log: Logger;
}): RetentionSweep {
  let timer: NodeJS.Timeout | undefined;
  const runOnce = async (): Promise<number> => {
    const before = options.now() - options.retentionMs;
    let total = 0;
    for (;;) {
      const deleted = await options.store.transaction((repos) =>
        repos.users.sweepInactive(before, batchSize),
      );
      total += deleted;
      if (deleted < batchSize) break;
      await yieldToEventLoop();
    }
    if (total > 0) options.log.info({ deleted: total }, 'retention: inactive users deleted');
    return total;
  };
  const tick = (): void => {
    runOnce().catch((error: unknown) =>
      options.log.error({ err: error }, 'retention sweep failed'),
    );
  };
  return {
    runOnce,
    start() {
      tick();
      timer = setInterval(tick, options.everyMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
