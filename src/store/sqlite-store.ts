import type { Database } from 'better-sqlite3';
import type { Cadence } from '../core/actions.js';
import type {
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
    scheduleReminder: db.prepare<[number, string, string, number]>(
      `INSERT INTO reminders (user_id, guide_id, kind, due_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id, guide_id) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at,
         attempts = 0, lease_until = NULL, lease_owner = NULL, last_error = NULL`,
    ),
    cancelReminder: db.prepare<[number, string]>(
      'DELETE FROM reminders WHERE user_id = ? AND guide_id = ?',
    ),
  };

  const repos: Repositories = {
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
      schedule: async (userId, guideId, kind, dueAt) => {
        sql.scheduleReminder.run(userId, guideId, kind, dueAt);
      },
      cancel: async (userId, guideId) => {
        sql.cancelReminder.run(userId, guideId);
      },
    },
  };

  const exclusive = createLock();
  return {
    transaction: (work) =>
      exclusive(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(repos);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    close: () => db.close(),
  };
}
