import type { Cadence } from './actions.js';
import type { Guide } from './guide.js';
import { reminderScreen } from './menus.js';
import type { ReminderKind, ReminderResolution } from './ports.js';
import { restoreProgress } from './progress.js';
import { nextReminderAt, type Intervals } from './schedule.js';
import type { Screen } from './view.js';

/** What to do with a due reminder, decided from the user's progress and settings. */
export type ReminderPlan =
  | {
      readonly type: 'send';
      readonly screen: Screen;
      /** What to store once it is sent: the next re-check if the user does not answer. */
      readonly after: ReminderResolution;
    }
  | { readonly type: 'skip'; readonly resolution: ReminderResolution };

/** Everything {@link planReminder} needs to know. */
export interface ReminderFacts {
  readonly kind: ReminderKind;
  readonly guide: Guide | undefined;
  /** The stored progress (untrusted). */
  readonly state: unknown;
  readonly cadence: Cadence;
  readonly now: number;
  readonly intervals: Intervals;
}

/**
 * Decides whether a due reminder is still worth sending, and what comes after it. A re-check is
 * sent only for a completed guide; "this setting changed" only while the guide needs a re-check.
 * Anything else (guide removed, walkthrough restarted, reminders turned off) is dropped.
 * Missed reminders are not replayed: whenever one is sent, the next is counted from now.
 */
export function planReminder(facts: ReminderFacts): ReminderPlan {
  const drop: ReminderPlan = { type: 'skip', resolution: { type: 'drop' } };
  const { guide, now } = facts;
  if (guide === undefined || facts.state === undefined) return drop;
  const { progress } = restoreProgress(facts.state, guide, now);
  const topic = progress.status === 'needs_recheck' ? 'changed' : 'recheck';
  const relevant = progress.status === 'completed' || progress.status === 'needs_recheck';
  const nextAt = nextReminderAt(now, facts.cadence, facts.intervals);
  if (!relevant || (facts.cadence === 'never' && topic === 'recheck')) return drop;
  return {
    type: 'send',
    screen: reminderScreen(guide, topic, { now, nextAt }),
    after:
      nextAt === null ? { type: 'drop' } : { type: 'reschedule', dueAt: nextAt, kind: 'recheck' },
  };
}

/** The first retry waits this long; each further one twice as long, up to {@link maxRetryDelayMs}. */
export const baseRetryDelayMs = 5_000;
export const maxRetryDelayMs = 3_600_000;

/**
 * How long to wait before retrying a failed delivery (5xx, timeout): exponential backoff from
 * {@link baseRetryDelayMs}, capped, with ±50 % jitter from `random` (a number in [0, 1)) so that
 * many failed reminders do not all come back at once.
 */
export function retryDelay(attempts: number, random: number): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 20);
  const delay = Math.min(baseRetryDelayMs * 2 ** exponent, maxRetryDelayMs);
  return Math.round(delay * (0.5 + random));
}
