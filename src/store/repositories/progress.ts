import type { Database } from 'better-sqlite3';
import type { ProgressRecord, ProgressRepository } from '../../core/ports.js';
import { parseJson } from './rows.js';

interface ProgressRow {
  user_id: number;
  guide_id: string;
  state: string;
  origin: string | null;
}

const toProgress = (row: ProgressRow): ProgressRecord => ({
  userId: row.user_id,
  guideId: row.guide_id,
  state: parseJson(row.state),
  origin: row.origin,
});

/** Progress: one row per user and guide, the walkthrough's state as JSON. */
export function createProgressRepository(db: Database): ProgressRepository {
  const sql = {
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
  };

  return {
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
  };
}
