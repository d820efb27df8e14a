import type { Database } from 'better-sqlite3';
import type { Cadence } from '../core/actions.js';
import type {
  CommunityRecord,
  CommunityRepository,
  ProgressRecord,
  ReminderKind,
  ReminderRecord,
  Repositories,
  Store,
  UserKey,
  UserRecord,
} from '../core/ports.js';

interface UserRow {
  id: number;
  platform: UserKey['platform'];
  platform_user_id: string;
  language_choice: string | null;
  language: string;
  cadence: Cadence;
  dm_ok: number;
  created_at: number;
  last_seen_at: number;
}

interface ProgressRow {
  user_id: number;
  guide_id: string;
  state: string;
  origin: string | null;
}

interface ReminderRow {
  user_id: number;
  guide_id: string;
  kind: ReminderKind;
  due_at: number;
  attempts: number;
}

interface CommunityRow {
  id: number;
  platform: 'telegram' | 'discord';
  community_id: string;
  ref: string;
  language: string | null;
  featured: string;
  stats_on: number;
}

const toCommunity = (row: CommunityRow): CommunityRecord => {
  const featured = parseJson(row.featured);
  return {
    id: row.id,
    platform: row.platform,
    communityId: row.community_id,
    ref: row.ref,
    language: row.language,
    featured: Array.isArray(featured)
      ? featured.filter((g): g is string => typeof g === 'string')
      : [],
    statsOn: row.stats_on === 1,
  };
};

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  platform: row.platform,
  platformUserId: row.platform_user_id,
  languageChoice: row.language_choice,
  language: row.language,
  cadence: row.cadence,
  dmOk: row.dm_ok === 1,
  createdAt: row.created_at,
  lastSeenAt: row.last_seen_at,
});

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined; // the core resets unreadable progress to a safe start
  }
}

const toProgress = (row: ProgressRow): ProgressRecord => ({
  userId: row.user_id,
  guideId: row.guide_id,
  state: parseJson(row.state),
  origin: row.origin,
});

const toReminder = (row: ReminderRow): ReminderRecord => ({
  userId: row.user_id,
  guideId: row.guide_id,
  kind: row.kind,
  dueAt: row.due_at,
  attempts: row.attempts,
});

/**
 * The dispatcher's claim, in one statement: the keys of the `:limit` oldest due, unpaused
 * reminders of one platform that no live lease holds, leased to `:owner` until `:lease`, and
 * returned in key order. An expired lease is replaced, its count of claims carried over, so a
 * claim that crashed counts as an attempt. It reads only the partial index `reminders_due` (which
 * holds the keys) and the small table `reminder_leases` by primary key, sorts the keys, and writes
 * only `reminder_leases`, in key order; never the big table (a test checks its query plan).
 * (`WHERE true` keeps SQLite from reading `ON CONFLICT` as a join constraint.)
 */
export const claimSql = `INSERT INTO reminder_leases (user_id, guide_id, owner, lease_until, attempts)
  SELECT user_id, guide_id, :owner, :lease, 1 FROM (
    SELECT r.user_id, r.guide_id
    FROM reminders r
    LEFT JOIN reminder_leases l ON l.user_id = r.user_id AND l.guide_id = r.guide_id
    WHERE r.platform = :platform AND r.paused = 0 AND r.due_at <= :now
      AND (l.lease_until IS NULL OR l.lease_until <= :now)
    ORDER BY r.due_at LIMIT :limit
  ) WHERE true ORDER BY user_id, guide_id
  ON CONFLICT (user_id, guide_id) DO UPDATE SET owner = excluded.owner,
    lease_until = excluded.lease_until, attempts = reminder_leases.attempts + 1
  RETURNING user_id, guide_id`;

/**
 * What sending a claimed reminder needs, if the claim is still held: primary-key reads of the
 * lease, the reminder, the user and their progress (a test checks its query plan).
 */
export const loadClaimSql = `SELECT r.kind, r.attempts + l.attempts AS attempts, u.platform_user_id,
    u.language, u.cadence, p.state
  FROM reminder_leases l
  JOIN reminders r ON r.user_id = l.user_id AND r.guide_id = l.guide_id
  JOIN users u ON u.id = l.user_id
  LEFT JOIN progress p ON p.user_id = l.user_id AND p.guide_id = l.guide_id
  WHERE l.user_id = :user_id AND l.guide_id = :guide_id AND l.owner = :owner
    AND l.lease_until = :lease`;

/**
 * Graceful shutdown, first half: a reclaimed reminder's crashed attempts (all its claims but the
 * unsent one) are kept on the reminder before the lease goes. Reads the small lease table whole
 * (it holds only the claims in flight, see migration 5) and the reminders by primary key.
 */
export const releaseAttemptsSql = `UPDATE reminders SET attempts = reminders.attempts + l.attempts - 1
  FROM reminder_leases l
  WHERE l.owner = :owner AND l.attempts > 1
    AND reminders.user_id = l.user_id AND reminders.guide_id = l.guide_id`;

/** Graceful shutdown, second half: the owner's leases go (a scan of the small lease table). */
export const releaseSql = 'DELETE FROM reminder_leases WHERE owner = :owner';

/**
 * The retention sweep: up to `limit` users not seen since a date and with no reminder. It must
 * search the index `users_by_last_seen` (a test checks its query plan).
 */
export const sweepInactiveSql = `DELETE FROM users WHERE id IN (
    SELECT u.id FROM users u
    WHERE u.last_seen_at < ? AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.user_id = u.id)
    LIMIT ?)`;

/**
 * For a guide now at some version: completed progress of an older version is asked to re-check.
 * It must search the index `progress_by_guide_version` (a test checks its query plan).
 */
export const markNeedsRecheckSql = `UPDATE progress SET status = 'needs_recheck', updated_at = :now
  WHERE guide_id = :guide_id AND status = 'completed' AND guide_version < :version
  RETURNING user_id`;

/** Whether SQLite answered that another connection holds the lock. */
const isBusy = (error: unknown): boolean =>
  error instanceof Error && 'code' in error && error.code === 'SQLITE_BUSY';

/** Serialises asynchronous critical sections: each waits for the previous one to finish. */
function createLock(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * The store on an open SQLite database (see `openDatabase`). All statements are prepared once.
 * Transactions are `BEGIN IMMEDIATE … COMMIT` and never interleave within this process; other
 * processes on the same file wait on SQLite's lock (busy timeout).
 */
export function createSqliteStore(db: Database): Store {
  const sql = {
    findUser: db.prepare<[string, string], UserRow>(
      'SELECT * FROM users WHERE platform = ? AND platform_user_id = ?',
    ),
    insertUser: db.prepare<[string, string, string, number, number], UserRow>(
      `INSERT INTO users (platform, platform_user_id, language, created_at, last_seen_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (platform, platform_user_id) DO UPDATE SET last_seen_at = excluded.last_seen_at
       RETURNING *`,
    ),
    updateUser: db.prepare<{
      id: number;
      language_choice: string | null;
      language: string;
      cadence: string;
      dm_ok: number;
    }>(
      `UPDATE users SET language_choice = :language_choice, language = :language,
         cadence = :cadence, dm_ok = :dm_ok WHERE id = :id`,
    ),
    userById: db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?'),
    countRows: db.prepare<[number, number], { n: number }>(
      `SELECT (SELECT count(*) FROM progress WHERE user_id = ?)
            + (SELECT count(*) FROM reminders WHERE user_id = ?) AS n`,
    ),
    deleteUser: db.prepare<[number]>('DELETE FROM users WHERE id = ?'),
    sweepInactive: db.prepare<[number, number]>(sweepInactiveSql),
    listReminders: db.prepare<[number], ReminderRow>(
      'SELECT user_id, guide_id, kind, due_at, attempts FROM reminders WHERE user_id = ? ORDER BY guide_id',
    ),
    getProgress: db.prepare<[number, string], ProgressRow>(
      'SELECT user_id, guide_id, state, origin FROM progress WHERE user_id = ? AND guide_id = ?',
    ),
    listProgress: db.prepare<[number], ProgressRow>(
      'SELECT user_id, guide_id, state, origin FROM progress WHERE user_id = ? ORDER BY guide_id',
    ),
    putProgress: db.prepare<{
      user_id: number;
      guide_id: string;
      state: string;
      status: string;
      guide_version: number;
      origin: string | null;
      updated_at: number;
    }>(
      `INSERT INTO progress (user_id, guide_id, state, status, guide_version, origin, updated_at)
       VALUES (:user_id, :guide_id, :state, :status, :guide_version, :origin, :updated_at)
       ON CONFLICT (user_id, guide_id) DO UPDATE SET state = excluded.state,
         status = excluded.status, guide_version = excluded.guide_version,
         origin = excluded.origin, updated_at = excluded.updated_at`,
    ),
    getReminder: db.prepare<[number, string], ReminderRow>(
      'SELECT user_id, guide_id, kind, due_at, attempts FROM reminders WHERE user_id = ? AND guide_id = ?',
    ),
    scheduleReminder: db.prepare<{
      kind: string;
      guide_id: string;
      due_at: number;
      user_id: number;
    }>(
      `INSERT INTO reminders (user_id, guide_id, platform, kind, due_at, paused)
       SELECT id, :guide_id, platform, :kind, :due_at, 1 - dm_ok FROM users WHERE id = :user_id
       ON CONFLICT (user_id, guide_id) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at,
         attempts = 0, paused = excluded.paused, last_error = NULL`,
    ),
    endLease: db.prepare<[number, string]>(
      'DELETE FROM reminder_leases WHERE user_id = ? AND guide_id = ?',
    ),
    setPaused: db.prepare<[number, number]>('UPDATE reminders SET paused = ? WHERE user_id = ?'),
    // Rows as arrays: a claim may return thousands of keys.
    claim: db
      .prepare<
        { platform: string; now: number; limit: number; lease: number; owner: string },
        [userId: number, guideId: string]
      >(claimSql)
      .raw(true),
    loadClaim: db.prepare<
      { user_id: number; guide_id: string; owner: string; lease: number },
      {
        kind: ReminderKind;
        attempts: number;
        platform_user_id: string;
        language: string;
        cadence: Cadence;
        state: string | null;
      }
    >(loadClaimSql),
    takeLease: db.prepare<
      { user_id: number; guide_id: string; owner: string; lease: number },
      { attempts: number }
    >(
      `DELETE FROM reminder_leases
       WHERE user_id = :user_id AND guide_id = :guide_id AND owner = :owner AND lease_until = :lease
       RETURNING attempts`,
    ),
    reschedule: db.prepare<{
      user_id: number;
      guide_id: string;
      due_at: number;
      kind: string;
      error: string | null;
      attempts: number | null;
    }>(
      `UPDATE reminders SET due_at = :due_at, kind = :kind, last_error = :error,
         attempts = coalesce(attempts + :attempts, 0)
       WHERE user_id = :user_id AND guide_id = :guide_id`,
    ),
    pauseReminder: db.prepare<{ user_id: number; guide_id: string; error: string }>(
      `UPDATE reminders SET paused = 1, last_error = :error, attempts = 0
       WHERE user_id = :user_id AND guide_id = :guide_id`,
    ),
    releaseAttempts: db.prepare<{ owner: string }>(releaseAttemptsSql),
    release: db.prepare<{ owner: string }>(releaseSql),
    markNeedsRecheck: db.prepare<
      { version: number; guide_id: string; now: number },
      { user_id: number }
    >(markNeedsRecheckSql),
    queueChanged: db.prepare<{ user_id: number; guide_id: string; now: number }>(
      `INSERT INTO reminders (user_id, guide_id, platform, kind, due_at, paused)
       SELECT id, :guide_id, platform, 'changed', :now, 1 - dm_ok FROM users
       WHERE id = :user_id AND cadence != 'never'
       ON CONFLICT (user_id, guide_id) DO UPDATE SET kind = 'changed', due_at = excluded.due_at,
         attempts = 0, last_error = NULL`,
    ),
    findCommunity: db.prepare<[string, string], CommunityRow>(
      'SELECT * FROM communities WHERE platform = ? AND community_id = ?',
    ),
    communityByRef: db.prepare<[string], CommunityRow>('SELECT * FROM communities WHERE ref = ?'),
    communityById: db.prepare<[number], CommunityRow>('SELECT * FROM communities WHERE id = ?'),
    ensureCommunity: db.prepare<
      { platform: string; community_id: string; ref: string; now: number },
      CommunityRow
    >(
      `INSERT INTO communities (platform, community_id, ref, created_at)
       VALUES (:platform, :community_id, :ref, :now)
       ON CONFLICT (platform, community_id) DO UPDATE SET platform = excluded.platform
       RETURNING *`,
    ),
    updateCommunity: db.prepare<{
      id: number;
      language: string | null;
      featured: string;
      stats_on: number;
    }>(
      'UPDATE communities SET language = :language, featured = :featured, stats_on = :stats_on WHERE id = :id',
    ),
    removeCommunity: db.prepare<[string, string]>(
      'DELETE FROM communities WHERE platform = ? AND community_id = ?',
    ),
    communityCounts: db.prepare<[string], { guide_id: string; status: string; count: number }>(
      `SELECT guide_id, status, count(*) AS count FROM progress
       WHERE origin = ? GROUP BY guide_id, status ORDER BY guide_id, status`,
    ),
    cancelReminder: db.prepare<[number, string]>(
      'DELETE FROM reminders WHERE user_id = ? AND guide_id = ?',
    ),
  };

  const repos: Omit<Repositories, 'communities'> = {
    users: {
      find: async (key) => {
        const row = sql.findUser.get(key.platform, key.platformUserId);
        return row && toUser(row);
      },
      touch: async (key, now, language) => {
        const row = sql.insertUser.get(key.platform, key.platformUserId, language, now, now);
        if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
        return toUser(row);
      },
      update: async (id, patch) => {
        const row = sql.userById.get(id);
        if (row === undefined) return;
        sql.updateUser.run({
          id,
          language_choice:
            patch.languageChoice !== undefined ? patch.languageChoice : row.language_choice,
          language: patch.language ?? row.language,
          cadence: patch.cadence ?? row.cadence,
          dm_ok: patch.dmOk === undefined ? row.dm_ok : patch.dmOk ? 1 : 0,
        });
      },
      forget: async (id) => {
        const dependent = sql.countRows.get(id, id)?.n ?? 0;
        const deleted = sql.deleteUser.run(id).changes;
        return deleted === 0 ? 0 : deleted + dependent; // progress and reminders go by cascade
      },
      sweepInactive: async (before, limit) => sql.sweepInactive.run(before, limit).changes,
    },
    progress: {
      get: async (userId, guideId) => {
        const row = sql.getProgress.get(userId, guideId);
        return row && toProgress(row);
      },
      list: async (userId) => sql.listProgress.all(userId).map(toProgress),
      put: async (record) => {
        sql.putProgress.run({
          user_id: record.userId,
          guide_id: record.guideId,
          state: JSON.stringify(record.state),
          status: record.status,
          guide_version: record.guideVersion,
          origin: record.origin,
          updated_at: record.updatedAt,
        });
      },
    },
    reminders: {
      get: async (userId, guideId) => {
        const row = sql.getReminder.get(userId, guideId);
        return row && toReminder(row);
      },
      list: async (userId) => sql.listReminders.all(userId).map(toReminder),
      schedule: async (userId, guideId, kind, dueAt) => {
        sql.endLease.run(userId, guideId);
        sql.scheduleReminder.run({ kind, guide_id: guideId, due_at: dueAt, user_id: userId });
      },
      cancel: async (userId, guideId) => {
        sql.cancelReminder.run(userId, guideId); // its lease goes by trigger
      },
      setPaused: async (userId, paused) => {
        sql.setPaused.run(paused ? 1 : 0, userId);
      },
      // Runs inside the store's transaction (BEGIN IMMEDIATE), so selecting then leasing is
      // atomic even with several processes on one database file. One set-based statement,
      // whatever the batch size, that does not touch the big table (see `claimSql`).
      claimDue: async (platform, now, limit, leaseUntil, owner) =>
        sql.claim
          .all({ platform, now, limit, lease: leaseUntil, owner })
          .map(([userId, guideId]) => ({ userId, guideId, leaseUntil, owner })),
      load: async (claim) => {
        const row = sql.loadClaim.get({
          user_id: claim.userId,
          guide_id: claim.guideId,
          owner: claim.owner,
          lease: claim.leaseUntil,
        });
        if (row === undefined) return undefined;
        return {
          userId: claim.userId,
          guideId: claim.guideId,
          leaseUntil: claim.leaseUntil,
          owner: claim.owner,
          kind: row.kind,
          attempts: row.attempts,
          platformUserId: row.platform_user_id,
          language: row.language,
          cadence: row.cadence,
          state: row.state === null ? undefined : parseJson(row.state),
        };
      },
      resolve: async (claim, resolution) => {
        const key = { user_id: claim.userId, guide_id: claim.guideId };
        const lease = sql.takeLease.get({ ...key, owner: claim.owner, lease: claim.leaseUntil });
        if (lease === undefined) return false;
        switch (resolution.type) {
          case 'reschedule':
            sql.reschedule.run({
              ...key,
              due_at: resolution.dueAt,
              kind: resolution.kind,
              error: resolution.error ?? null,
              // A retry keeps counting attempts; a fresh schedule starts again from zero.
              attempts: resolution.error === undefined ? null : lease.attempts,
            });
            return true;
          case 'pause':
            sql.pauseReminder.run({ ...key, error: resolution.error });
            return true;
          case 'drop':
            sql.cancelReminder.run(claim.userId, claim.guideId);
            return true;
        }
      },
      release: async (owner) => {
        sql.releaseAttempts.run({ owner });
        return sql.release.run({ owner }).changes;
      },
      queueGuideChange: async (guideId, version, now) => {
        const users = sql.markNeedsRecheck.all({ version, guide_id: guideId, now });
        let queued = 0;
        for (const { user_id } of users) {
          queued += sql.queueChanged.run({ user_id, guide_id: guideId, now }).changes;
        }
        return queued;
      },
    },
  };

  const communities: CommunityRepository = {
    find: async (key) => {
      const row = sql.findCommunity.get(key.platform, key.communityId);
      return row && toCommunity(row);
    },
    findByRef: async (ref) => {
      const row = sql.communityByRef.get(ref);
      return row && toCommunity(row);
    },
    ensure: async (key, ref, now) => {
      const row = sql.ensureCommunity.get({
        platform: key.platform,
        community_id: key.communityId,
        ref,
        now,
      });
      if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
      return toCommunity(row);
    },
    update: async (id, patch) => {
      const row = sql.communityById.get(id);
      if (row === undefined) return;
      const current = toCommunity(row);
      sql.updateCommunity.run({
        id,
        language: patch.language !== undefined ? patch.language : current.language,
        featured: JSON.stringify(patch.featured ?? current.featured),
        stats_on: (patch.statsOn ?? current.statsOn) ? 1 : 0,
      });
    },
    remove: async (key) => sql.removeCommunity.run(key.platform, key.communityId).changes > 0,
    counts: async (origin) =>
      sql.communityCounts
        .all(origin)
        .map((r) => ({ guideId: r.guide_id, status: r.status, count: r.count })),
  };
  const repositories: Repositories = { ...repos, communities };

  const exclusive = createLock();
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  const restoreBusyTimeout = `PRAGMA busy_timeout = ${Math.trunc(busyTimeout)}`;
  /**
   * `BEGIN IMMEDIATE`, waiting for the write lock without blocking the event loop. Another
   * connection holds it for a moment at times (the checkpointer's `RESTART`, another process):
   * SQLite's busy handler would sleep on this thread in steps of 1, 2, 5, 10, 15… ms, stalling
   * every update in flight for tens of milliseconds. Here the attempt fails at once instead and
   * is made again after a timer, while the event loop goes on; past the connection's busy
   * timeout the error stands, as it would have.
   */
  const beginWrite = async (): Promise<void> => {
    const started = Date.now();
    for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 16)) {
      // `exec`, not `pragma` (which builds a statement object and reads its rows: 8× the cost
      // here); and not a prepared PRAGMA busy_timeout, which SQLite applies when it is prepared.
      db.exec('PRAGMA busy_timeout = 0');
      try {
        begin.run();
        return;
      } catch (error) {
        if (!isBusy(error) || Date.now() - started >= busyTimeout) throw error;
      } finally {
        db.exec(restoreBusyTimeout);
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  };
  return {
    transaction: (work) =>
      exclusive(async () => {
        await beginWrite();
        try {
          const result = await work(repositories);
          commit.run();
          return result;
        } catch (error) {
          if (db.inTransaction) rollback.run();
          throw error;
        }
      }),
    close: () => db.close(),
  };
}
