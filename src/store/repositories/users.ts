import type { Database } from 'better-sqlite3';
import type { Cadence } from '../../core/actions.js';
import type { UserKey, UserRecord, UserRepository } from '../../core/ports.js';

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

/**
 * The retention sweep: up to `limit` users not seen since a date and with no reminder. It must
 * search the index `users_by_last_seen` (a test checks its query plan).
 */
export const sweepInactiveSql = `DELETE FROM users WHERE id IN (
    SELECT u.id FROM users u
    WHERE u.last_seen_at < ? AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.user_id = u.id)
    LIMIT ?)`;

/** Users: one row per platform account, found by platform and platform id. */
export function createUserRepository(db: Database): UserRepository {
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
  };

  return {
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
  };
}
