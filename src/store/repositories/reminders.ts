import type { Database } from 'better-sqlite3';
import type { Cadence } from '../../core/actions.js';
import type { ReminderKind, ReminderRecord, ReminderRepository } from '../../core/ports.js';
import { parseJson } from './rows.js';

interface ReminderRow {
  user_id: number;
  guide_id: string;
  kind: ReminderKind;
  due_at: number;
  attempts: number;
}

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
 * For a guide now at some version: completed progress of an older version is asked to re-check.
 * It must search the index `progress_by_guide_version` (a test checks its query plan).
 */
export const markNeedsRecheckSql = `UPDATE progress SET status = 'needs_recheck', updated_at = :now
  WHERE guide_id = :guide_id AND status = 'completed' AND guide_version < :version
  RETURNING user_id`;

/** Reminders: one row per user and guide, claimed by the dispatcher through small leases. */
export function createReminderRepository(db: Database): ReminderRepository {
  const sql = {
    listReminders: db.prepare<[number], ReminderRow>(
      'SELECT user_id, guide_id, kind, due_at, attempts FROM reminders WHERE user_id = ? ORDER BY guide_id',
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
    cancelReminder: db.prepare<[number, string]>(
      'DELETE FROM reminders WHERE user_id = ? AND guide_id = ?',
    ),
  };

  return {
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
  };
}
