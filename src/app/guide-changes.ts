import type { Catalog } from '../core/catalog.js';
import type { Store } from '../core/ports.js';

/**
 * For every guide whose version rose since users completed it, marks their progress
 * `needs_recheck` and queues a "this setting changed" reminder, due now (the dispatcher spreads
 * them out at the platform's rate). Safe to run at every start: users already asked are skipped.
 * Returns how many reminders were queued.
 */
export async function queueGuideChanges(
  store: Store,
  catalog: Catalog,
  now: number,
): Promise<number> {
  let queued = 0;
  for (const guide of catalog.guides) {
    queued += await store.transaction((repos) =>
      repos.reminders.queueGuideChange(guide.id, guide.version, now),
    );
  }
  return queued;
}
