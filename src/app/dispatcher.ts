import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Catalog } from '../core/catalog.js';
import { assertNever } from '../core/never.js';
import type {
  ClaimedReminder,
  Platform,
  ReminderDelivery,
  ReminderResolution,
  Store,
} from '../core/ports.js';
import { planReminder, retryDelay } from '../core/reminders.js';
import type { Intervals } from '../core/schedule.js';
import type { Logger } from './logger.js';
import type { DeliveryOutcome, Messenger } from './messenger.js';
import { createRateLimiter, type RateLimiter, type Sleep } from './rate-limiter.js';
import { userHash } from './user-hash.js';

/** Sending limits for one platform. */
export interface PlatformRate {
  /** Messages per second overall. */
  readonly perSecond: number;
  /** Minimum time between two reminders to the same user, in milliseconds. */
  readonly perChatMs: number;
}

/** What the dispatcher needs; passed in by the composition root. */
export interface DispatcherOptions {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly messengers: readonly Messenger[];
  readonly rates: Readonly<Partial<Record<Platform, PlatformRate>>>;
  readonly intervals: Intervals;
  readonly log: Logger;
  /** How many reminders one claim takes. */
  readonly batch: number;
  /** How long a claim holds its reminders before another dispatcher may take them. */
  readonly leaseMs: number;
  readonly now?: () => number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  /** How long to wait when nothing is due. */
  readonly idleMs?: number;
  /** Identifies this process's claims (several processes may share a database). */
  readonly owner?: string;
  /** Called after each pass that claimed something (metrics). */
  readonly onPass?: (platform: Platform, stats: DispatchStats) => void;
}

/** Counts of one pass, for logs and tests. */
export interface DispatchStats {
  claimed: number;
  sent: number;
  skipped: number;
  retried: number;
  paused: number;
  lost: number;
  /** Deliveries the platform refused (unreachable user, rate limit, error). */
  failed: number;
}

/** The reminder dispatcher: one loop per platform, started and stopped as a whole. */
export interface Dispatcher {
  /** Claims one batch of a platform's due reminders and delivers it. */
  runOnce(platform: Platform): Promise<DispatchStats>;
  start(): void;
  /** Stops taking reminders, lets the one being sent finish, and gives back unsent claims. */
  stop(): Promise<void>;
}

/** Sleeps for `ms`, or rejects as soon as `signal` aborts; leaves no listener behind. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    // The listener goes when the sleep ends, or a long-running loop would pile them up.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Creates the dispatcher. Reminders are claimed from the store in batches with a lease (an
 * indexed query), sent one at a time per platform at the configured rate, and resolved in the
 * store after each send: a crash loses nothing, and repeats at most the message in flight.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const { store, catalog, log } = options;
  const abort = new AbortController();
  const loops: Promise<void>[] = [];

  const lanes = new Map(
    options.messengers.map((messenger) => {
      const rate = options.rates[messenger.platform] ?? { perSecond: 1, perChatMs: 1000 };
      const limiter: RateLimiter = createRateLimiter(rate.perSecond, now, sleep);
      return [
        messenger.platform,
        { messenger, rate, limiter, lastByUser: new Map<string, number>() },
      ] as const;
    }),
  );

  const resolve = (claim: ClaimedReminder, resolution: ReminderResolution): Promise<boolean> =>
    store.transaction((repos) => repos.reminders.resolve(claim, resolution));

  /** What to store after a delivery attempt. */
  function afterDelivery(
    claim: ReminderDelivery,
    outcome: DeliveryOutcome,
    sent: ReminderResolution,
  ): ReminderResolution {
    switch (outcome.type) {
      case 'sent':
        return sent;
      case 'unreachable':
        return { type: 'pause', error: outcome.reason };
      case 'rateLimited':
        return {
          type: 'reschedule',
          dueAt: now() + outcome.retryAfterMs,
          kind: claim.kind,
          error: 'rate limited',
        };
      case 'failed':
        return {
          type: 'reschedule',
          dueAt: now() + retryDelay(claim.attempts, random()),
          kind: claim.kind,
          error: outcome.reason.slice(0, 500),
        };
      default:
        return assertNever(outcome);
    }
  }

  async function deliver(
    platform: Platform,
    claimed: ClaimedReminder,
    stats: DispatchStats,
  ): Promise<void> {
    const lane = lanes.get(platform);
    if (!lane) return;
    // What the send needs is read now, not at the claim: it stays cheap however many are claimed.
    const claim = await store.transaction((repos) => repos.reminders.load(claimed));
    if (claim === undefined) {
      stats.lost += 1; // taken over, rescheduled or cancelled meanwhile: nothing to send
      return;
    }
    const plan = planReminder({
      kind: claim.kind,
      guide: catalog.get(claim.guideId),
      state: claim.state,
      cadence: claim.cadence,
      now: now(),
      intervals: options.intervals,
    });
    if (plan.type === 'skip') {
      stats.skipped += 1;
      if (!(await resolve(claim, plan.resolution))) stats.lost += 1;
      return;
    }
    // At most one message per user per `perChatMs`: a second reminder for them waits its turn.
    const free = (lane.lastByUser.get(claim.platformUserId) ?? 0) + lane.rate.perChatMs;
    if (free > now()) {
      stats.retried += 1;
      await resolve(claim, { type: 'reschedule', dueAt: free, kind: claim.kind });
      return;
    }
    await lane.limiter.acquire(abort.signal);
    lane.lastByUser.set(claim.platformUserId, now());
    const outcome = await lane.messenger.deliver(claim.platformUserId, {
      language: claim.language,
      screen: plan.screen,
    });
    if (outcome.type === 'rateLimited' && outcome.global)
      lane.limiter.pauseUntil(now() + outcome.retryAfterMs);
    const resolution = afterDelivery(claim, outcome, plan.after);
    const context = {
      platform,
      user: userHash({ platform, platformUserId: claim.platformUserId }),
      guide: claim.guideId,
    };
    if (outcome.type === 'sent') stats.sent += 1;
    else stats.failed += 1;
    if (outcome.type === 'unreachable') {
      stats.paused += 1;
      log.info(
        { ...context, reason: outcome.reason },
        'reminder: user unreachable, reminders paused',
      );
      await store.transaction((repos) => repos.users.update(claim.userId, { dmOk: false }));
    } else if (outcome.type !== 'sent') {
      stats.retried += 1;
      log.warn({ ...context, outcome }, 'reminder: delivery will be retried');
    }
    if (!(await resolve(claim, resolution))) {
      stats.lost += 1;
      log.warn(context, 'reminder: lease expired before the outcome was saved (may be sent again)');
    }
  }

  async function runOnce(platform: Platform): Promise<DispatchStats> {
    const stats: DispatchStats = {
      claimed: 0,
      sent: 0,
      skipped: 0,
      retried: 0,
      paused: 0,
      lost: 0,
      failed: 0,
    };
    const at = now();
    const claims = await store.transaction((repos) =>
      repos.reminders.claimDue(platform, at, options.batch, at + options.leaseMs, owner),
    );
    stats.claimed = claims.length;
    for (const claim of claims) {
      if (abort.signal.aborted) break; // unsent claims are given back by stop()
      await deliver(platform, claim, stats);
    }
    return stats;
  }

  async function loop(platform: Platform): Promise<void> {
    while (!abort.signal.aborted) {
      try {
        const stats = await runOnce(platform);
        if (stats.claimed > 0) log.debug({ platform, ...stats }, 'reminders dispatched');
        if (stats.claimed > 0) options.onPass?.(platform, stats);
        if (stats.claimed === 0) await sleep(options.idleMs ?? 1000, abort.signal);
      } catch (error) {
        if (abort.signal.aborted) break;
        log.error({ platform, err: error }, 'reminder dispatch failed; trying again shortly');
        await sleep(options.idleMs ?? 1000, abort.signal).catch(() => undefined);
      }
    }
  }

  return {
    runOnce,
    start() {
      for (const platform of lanes.keys()) loops.push(loop(platform));
    },
    async stop() {
      abort.abort(new Error('dispatcher stopped'));
      await Promise.allSettled(loops);
      const released = await store.transaction((repos) => repos.reminders.release(owner, now()));
      if (released > 0) log.info({ released }, 'reminder claims given back');
    },
  };
}
