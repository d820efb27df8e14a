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

/** Reminders, at most one per user and guide. */
export interface ReminderRepository {
  get(userId: number, guideId: string): Promise<ReminderRecord | undefined>;
  /** Creates or replaces the user's reminder for the guide. */
  schedule(userId: number, guideId: string, kind: ReminderKind, dueAt: number): Promise<void>;
  cancel(userId: number, guideId: string): Promise<void>;
}

/** The repositories, as seen inside one transaction. */
export interface Repositories {
  readonly users: UserRepository;
  readonly progress: ProgressRepository;
  readonly reminders: ReminderRepository;
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
