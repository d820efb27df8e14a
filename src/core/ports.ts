import type { Cadence } from './actions.js';

/**
 * The storage ports the application service needs. They are small and asynchronous so that a
 * PostgreSQL implementation can satisfy them as well as the embedded SQLite one.
 */

/** Where a user talks to the bot. */
export const platforms = ['console', 'telegram', 'discord'] as const;
export type Platform = (typeof platforms)[number];

/** Identifies a user: platform and the platform's own user id (never a name). */
export interface UserKey {
  readonly platform: Platform;
  readonly platformUserId: string;
}

/** What is stored about a user. */
export interface UserRecord extends UserKey {
  readonly id: number;
  /** The language the user chose with `/language`, if any. */
  readonly languageChoice: string | null;
  /** The language last used with the user (for messages sent without a request, like reminders). */
  readonly language: string;
  readonly cadence: Cadence;
  /** False once the platform said the bot cannot write to the user (blocked, DMs closed). */
  readonly dmOk: boolean;
  readonly createdAt: number;
  readonly lastSeenAt: number;
}

/** A user's stored progress in one guide. `state` is untrusted until the core restores it. */
export interface ProgressRecord {
  readonly userId: number;
  readonly guideId: string;
  readonly state: unknown;
  /** The community the walkthrough was started from (e.g. `discord:<guild id>`), if any. */
  readonly origin: string | null;
}

/** The kinds of reminder: a periodic re-check, or "this setting changed". */
export type ReminderKind = 'recheck' | 'changed';

/** A scheduled reminder for one user and guide. */
export interface ReminderRecord {
  readonly userId: number;
  readonly guideId: string;
  readonly kind: ReminderKind;
  readonly dueAt: number;
  readonly attempts: number;
}

/** Users. */
export interface UserRepository {
  find(key: UserKey): Promise<UserRecord | undefined>;
  /** Returns the user, creating them if needed, and records that they were seen now. */
  touch(key: UserKey, now: number, language: string): Promise<UserRecord>;
  update(
    id: number,
    patch: Partial<Pick<UserRecord, 'languageChoice' | 'language' | 'cadence' | 'dmOk'>>,
  ): Promise<void>;
  /** Deletes the user and, with them, their progress and reminders. Returns the rows deleted. */
  forget(id: number): Promise<number>;
  /**
   * Deletes up to `limit` users not seen since `before` who have no reminder scheduled
   * (the retention rule). Returns how many were deleted.
   */
  sweepInactive(before: number, limit: number): Promise<number>;
}

/** Progress, one row per user and guide. */
export interface ProgressRepository {
  get(userId: number, guideId: string): Promise<ProgressRecord | undefined>;
  list(userId: number): Promise<ProgressRecord[]>;
  /** Saves the state; `status` and `guideVersion` are kept alongside for queries. */
  put(
    record: ProgressRecord & {
      readonly status: string;
      readonly guideVersion: number;
      readonly updatedAt: number;
    },
  ): Promise<void>;
}

/**
 * A reminder claimed by a dispatcher: `owner` holds it until `leaseUntil`, after which anyone may
 * claim it again (after a crash). A claim is only the key and the lease, so that claiming many is
 * cheap; what sending needs is read with `ReminderRepository.load` just before the send.
 */
export interface ClaimedReminder {
  readonly userId: number;
  readonly guideId: string;
  readonly leaseUntil: number;
  readonly owner: string;
}

/** A claimed reminder with what its delivery needs, read while the claim is held. */
export interface ReminderDelivery extends ClaimedReminder {
  readonly kind: ReminderKind;
  /** Delivery attempts so far, this one included (claims that crashed count too). */
  readonly attempts: number;
  readonly platformUserId: string;
  readonly language: string;
  readonly cadence: Cadence;
  /** The user's stored progress in the guide (untrusted until the core restores it). */
  readonly state: unknown;
}

/** What becomes of a claimed reminder. */
export type ReminderResolution =
  /** Due again at `dueAt` (the next re-check, a retry, a rate-limit wait). */
  | {
      readonly type: 'reschedule';
      readonly dueAt: number;
      readonly kind: ReminderKind;
      readonly error?: string;
    }
  /** The user cannot be reached: hold it until they talk to the bot again. */
  | { readonly type: 'pause'; readonly error: string }
  /** Nothing left to remind. */
  | { readonly type: 'drop' };

/** Reminders, at most one per user and guide. */
export interface ReminderRepository {
  get(userId: number, guideId: string): Promise<ReminderRecord | undefined>;
  /** A user's reminders, for their data export. */
  list(userId: number): Promise<ReminderRecord[]>;
  /** Creates or replaces the user's reminder for the guide, ending any claim on it. */
  schedule(userId: number, guideId: string, kind: ReminderKind, dueAt: number): Promise<void>;
  cancel(userId: number, guideId: string): Promise<void>;
  /** Pauses (the bot cannot write to the user) or resumes all of a user's reminders. */
  setPaused(userId: number, paused: boolean): Promise<void>;
  /**
   * Claims the `limit` oldest due, unpaused reminders of a platform, skipping those another
   * claim holds until after `now`: each is held by `owner` until `leaseUntil`, after which
   * another dispatcher may claim it again (after a crash), the attempt counted. Returns keys and
   * leases only, in key order (the oldest are claimed first, not sent first); see `load`.
   */
  claimDue(
    platform: Platform,
    now: number,
    limit: number,
    leaseUntil: number,
    owner: string,
  ): Promise<ClaimedReminder[]>;
  /**
   * What sending a claimed reminder needs (kind, attempts, the user's address, language, cadence
   * and progress), read just before the send. Undefined when the claim is no longer held (its
   * lease was taken over, the reminder was rescheduled or cancelled, or its user forgotten).
   */
  load(claim: ClaimedReminder): Promise<ReminderDelivery | undefined>;
  /**
   * Applies a resolution and ends the claim, if the claim is still held (same owner and lease);
   * false when the lease was lost, and then nothing changes.
   */
  resolve(claim: ClaimedReminder, resolution: ReminderResolution): Promise<boolean>;
  /**
   * Gives back every reminder `owner` holds (graceful shutdown): each is due again at once (its
   * own due time has passed by `now`), the unsent attempt not counted. Returns how many.
   */
  release(owner: string, now: number): Promise<number>;
  /**
   * For a guide now at `version`: users who completed an older version are asked to re-check.
   * Their progress is marked `needs_recheck` and a "this setting changed" reminder is due at
   * `now`, except for users who turned reminders off. Returns how many were queued.
   */
  queueGuideChange(guideId: string, version: number, now: number): Promise<number>;
}

/** A community: a Discord server or a Telegram group. */
export interface CommunityKey {
  readonly platform: 'telegram' | 'discord';
  /** The guild id or the group's chat id. */
  readonly communityId: string;
}

/** A community's settings, kept once an admin used the panel or the settings. */
export interface CommunityRecord extends CommunityKey {
  readonly id: number;
  /** The opaque code in panel deep links: it says which community a member came from. */
  readonly ref: string;
  /** The community's default language (panel, and members whose platform gives none). */
  readonly language: string | null;
  /** The guides the panel features, in order. */
  readonly featured: readonly string[];
  /** Whether admins may see anonymous counts. */
  readonly statsOn: boolean;
}

/** Counts of members' progress per guide and status, for one community. */
export interface CommunityCount {
  readonly guideId: string;
  readonly status: string;
  readonly count: number;
}

/** Communities. */
export interface CommunityRepository {
  find(key: CommunityKey): Promise<CommunityRecord | undefined>;
  findByRef(ref: string): Promise<CommunityRecord | undefined>;
  /** Returns the community, creating it with `ref` (a fresh random code) if it is new. */
  ensure(key: CommunityKey, ref: string, now: number): Promise<CommunityRecord>;
  update(
    id: number,
    patch: Partial<Pick<CommunityRecord, 'language' | 'featured' | 'statsOn'>>,
  ): Promise<void>;
  /** Deletes the community's settings (the bot left); members' progress stays theirs. */
  remove(key: CommunityKey): Promise<boolean>;
  /** How many members' walkthroughs started from `origin`, per guide and status. */
  counts(origin: string): Promise<CommunityCount[]>;
}

/** The origin recorded on progress started from a community: `telegram:<chat id>`. */
export const originOf = (key: CommunityKey): string => `${key.platform}:${key.communityId}`;

/** The repositories, as seen inside one transaction. */
export interface Repositories {
  readonly users: UserRepository;
  readonly progress: ProgressRepository;
  readonly reminders: ReminderRepository;
  readonly communities: CommunityRepository;
}

/** A store: every read and write happens inside a transaction, all or nothing. */
export interface Store {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it rejects.
   * Transactions never interleave.
   */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T>;
  close(): void;
}
