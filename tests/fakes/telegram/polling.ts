import type { Update } from 'grammy/types';

/** What a `getUpdates` request is answered with. */
export type PollAnswer =
  | { readonly type: 'updates'; readonly updates: Update[] }
  /** A newer `getUpdates` replaced this one (Telegram answers 409). */
  | { readonly type: 'conflict' };

/** A `getUpdates` request. */
export interface PollRequest {
  readonly offset: number;
  readonly limit: number;
  /** Seconds to hold the request while no update is available; 0 answers at once. */
  readonly timeoutSeconds: number;
}

interface HeldPoll {
  readonly offset: number;
  readonly limit: number;
  readonly answer: (a: PollAnswer) => void;
  readonly timer: NodeJS.Timeout;
}

/** Update types Telegram leaves out unless `allowed_updates` lists them. */
const OPT_IN_TYPES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);
/** Upper bound of a held poll, so no test can hang on a huge `timeout`. */
const MAX_HOLD_MS = 60_000;

/** The type of an update: its one key besides `update_id`. */
export const updateType = (update: Update): string =>
  Object.keys(update).find((k) => k !== 'update_id') ?? 'unknown';

/**
 * Telegram's update queue with long polling: updates stay until confirmed by an `offset` above
 * their id, a held request is answered as soon as an update arrives or its timeout expires, and
 * a new request ends the held one with a conflict.
 */
export class UpdateQueue {
  private updates: Update[] = [];
  private lastId = 700_000_000;
  /** `allowed_updates` as last set; undefined means Telegram's default. */
  private allowed: ReadonlySet<string> | undefined;
  private held: HeldPoll | undefined;
  private pollWaiters: (() => void)[] = [];

  /** Number of unconfirmed updates. */
  get size(): number {
    return this.updates.length;
  }

  get pollPending(): boolean {
    return this.held !== undefined;
  }

  /** Remembers `allowed_updates`; an empty list restores the default. */
  setAllowed(types: readonly string[]): void {
    this.allowed = types.length === 0 ? undefined : new Set(types);
  }

  private isAllowed(type: string): boolean {
    return this.allowed === undefined ? !OPT_IN_TYPES.has(type) : this.allowed.has(type);
  }

  /**
   * Queues an update with the next `update_id` (dropped, as by Telegram, when `allowed_updates`
   * excludes its type) and answers the held poll. Returns the update as queued.
   */
  push(body: Omit<Update, 'update_id'>): Update {
    this.lastId += 1;
    const update: Update = { update_id: this.lastId, ...body };
    if (!this.isAllowed(updateType(update))) return update;
    this.updates.push(update);
    const held = this.held;
    if (held !== undefined) {
      const ready = this.select(held.offset, held.limit);
      if (ready.length > 0) {
        this.release();
        held.answer({ type: 'updates', updates: ready });
      }
    }
    return update;
  }

  /** Forgets every queued update (`deleteWebhook` with `drop_pending_updates`). */
  clear(): void {
    this.updates = [];
  }

  /**
   * Handles a `getUpdates` request. `answer` is called exactly once, now or later, unless the
   * returned cancel function runs first (the client went away).
   */
  poll(request: PollRequest, answer: (a: PollAnswer) => void): () => void {
    const previous = this.held;
    if (previous !== undefined) {
      this.release();
      previous.answer({ type: 'conflict' });
    }
    this.confirm(request.offset);
    const ready = this.select(request.offset, request.limit);
    if (ready.length > 0 || request.timeoutSeconds <= 0) {
      answer({ type: 'updates', updates: ready });
      return () => undefined;
    }
    const holdMs = Math.min(request.timeoutSeconds * 1000, MAX_HOLD_MS);
    const held: HeldPoll = {
      offset: request.offset,
      limit: request.limit,
      answer,
      timer: setTimeout(() => {
        if (this.held !== held) return;
        this.held = undefined;
        answer({ type: 'updates', updates: [] });
      }, holdMs),
    };
    this.held = held;
    const waiters = this.pollWaiters;
    this.pollWaiters = [];
    for (const wake of waiters) wake();
    return () => {
      if (this.held === held) this.release();
    };
  }

  /** Calls `wake` the next time a poll is held (at once if one is held now). */
  onPollHeld(wake: () => void): () => void {
    if (this.held !== undefined) {
      wake();
      return () => undefined;
    }
    this.pollWaiters.push(wake);
    return () => {
      this.pollWaiters = this.pollWaiters.filter((w) => w !== wake);
    };
  }

  /** Answers a held poll with no updates (server shutdown). */
  endHeldPoll(): void {
    const held = this.held;
    if (held === undefined) return;
    this.release();
    held.answer({ type: 'updates', updates: [] });
  }

  private release(): void {
    if (this.held !== undefined) clearTimeout(this.held.timer);
    this.held = undefined;
  }

  /** Positive offset confirms lower ids; negative keeps only the last `-offset` updates. */
  private confirm(offset: number): void {
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    else if (offset < 0) this.updates = this.updates.slice(offset);
  }

  private select(offset: number, limit: number): Update[] {
    const from = offset > 0 ? this.updates.filter((u) => u.update_id >= offset) : this.updates;
    return from.slice(0, limit);
  }
}
