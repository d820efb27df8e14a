import type { Database } from 'better-sqlite3';

/**
 * The schema, as numbered, append-only migrations. Migration N brings a database from
 * `user_version` N-1 to N. Never edit a released migration: add the next one.
 */
export const migrations: ReadonlyArray<(db: Database) => void> = [
  // 1: users, their progress per guide, and their reminders.
  (db) => {
    db.exec(`
      CREATE TABLE users (
        id               INTEGER PRIMARY KEY,
        platform         TEXT    NOT NULL CHECK (platform IN ('console', 'telegram', 'discord')),
        platform_user_id TEXT    NOT NULL,
        language_choice  TEXT,
        language         TEXT    NOT NULL,
        cadence          TEXT    NOT NULL DEFAULT 'default' CHECK (cadence IN ('default', 'long', 'never')),
        dm_ok            INTEGER NOT NULL DEFAULT 1 CHECK (dm_ok IN (0, 1)),
        created_at       INTEGER NOT NULL,
        last_seen_at     INTEGER NOT NULL,
        UNIQUE (platform, platform_user_id)
      ) STRICT;

      CREATE TABLE progress (
        user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        guide_id      TEXT    NOT NULL,
        state         TEXT    NOT NULL CHECK (json_valid(state)),
        status        TEXT    NOT NULL,
        guide_version INTEGER NOT NULL,
        origin        TEXT,
        updated_at    INTEGER NOT NULL,
        PRIMARY KEY (user_id, guide_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX progress_by_guide ON progress (guide_id, status);

      CREATE TABLE reminders (
        user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        guide_id    TEXT    NOT NULL,
        platform    TEXT    NOT NULL,
        kind        TEXT    NOT NULL CHECK (kind IN ('recheck', 'changed')),
        -- When the reminder is due; while claimed, when the claim (lease) runs out.
        due_at      INTEGER NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        -- 1 while the platform says the bot cannot write to the user.
        paused      INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
        lease_until INTEGER,
        lease_owner TEXT,
        last_error  TEXT,
        PRIMARY KEY (user_id, guide_id)
      ) STRICT, WITHOUT ROWID;
      -- The dispatcher's claim: due reminders of one platform, oldest first, never a full scan.
      CREATE INDEX reminders_due ON reminders (platform, due_at) WHERE paused = 0;
    `);
  },
  // 2: communities (a Discord server or Telegram group that posted a panel), and counting
  // progress by the community it started from.
  (db) => {
    db.exec(`
      CREATE TABLE communities (
        id           INTEGER PRIMARY KEY,
        platform     TEXT    NOT NULL CHECK (platform IN ('telegram', 'discord')),
        community_id TEXT    NOT NULL,
        -- The opaque code in panel deep links (t.me/bot?start=<guide>_<ref>).
        ref          TEXT    NOT NULL UNIQUE,
        language     TEXT,
        featured     TEXT    NOT NULL DEFAULT '["x-grok"]' CHECK (json_valid(featured)),
        stats_on     INTEGER NOT NULL DEFAULT 0 CHECK (stats_on IN (0, 1)),
        created_at   INTEGER NOT NULL,
        UNIQUE (platform, community_id)
      ) STRICT;
      CREATE INDEX progress_by_origin ON progress (origin, guide_id, status) WHERE origin IS NOT NULL;
    `);
  },
  // 3: indexes for the start-up and daily queries, which scanned every row on large databases.
  // - The retention sweep looks for users not seen since a date.
  // - The guide-change check looks for completed progress of an older guide version: with the
  //   version in the index it is an index search, not a read of every completed row. This index
  //   starts with the columns of `progress_by_guide`, which it replaces.
  (db) => {
    db.exec(`
      CREATE INDEX users_by_last_seen ON users (last_seen_at);
      CREATE INDEX progress_by_guide_version ON progress (guide_id, status, guide_version);
      DROP INDEX progress_by_guide;
    `);
  },
  // 4: claims (leases) move out of `reminders` into a small table of their own, so that a claim
  // writes a few pages of that table instead of a random page of the big one per reminder.
  // - A row is a claim: held by `owner` until `lease_until`; once that has passed, anyone may
  //   claim the reminder again (the row is replaced). `attempts` counts the claims since the
  //   reminder was last resolved (crashed ones included): the delivery attempts so far are
  //   `reminders.attempts + reminder_leases.attempts`.
  // - `reminder_leases_by_owner` made giving back a stopping dispatcher's claims an index search
  //   (dropped by migration 5).
  // - The trigger removes a claim with its reminder (cancelled, dropped, or its user forgotten,
  //   by the users → reminders cascade). A foreign key would look the reminder up for every
  //   claimed row, which is the random read of the big table this table avoids.
  // - `reminders.lease_until` and `lease_owner` are no longer used (always NULL from now on).
  //   Claims held at the upgrade are moved here as they are: a reminder claimed by version 3 has
  //   `due_at` = the end of its lease and `attempts` including that claim, so it stays held until
  //   then and counts the attempt if its holder never resolves it.
  (db) => {
    db.exec(`
      CREATE TABLE reminder_leases (
        user_id     INTEGER NOT NULL,
        guide_id    TEXT    NOT NULL,
        owner       TEXT    NOT NULL,
        lease_until INTEGER NOT NULL,
        attempts    INTEGER NOT NULL CHECK (attempts >= 0),
        PRIMARY KEY (user_id, guide_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX reminder_leases_by_owner ON reminder_leases (owner);
      CREATE TRIGGER reminder_leases_follow_reminders AFTER DELETE ON reminders
      BEGIN
        DELETE FROM reminder_leases WHERE user_id = old.user_id AND guide_id = old.guide_id;
      END;

      INSERT INTO reminder_leases (user_id, guide_id, owner, lease_until, attempts)
        SELECT user_id, guide_id, lease_owner, lease_until, 1 FROM reminders
        WHERE lease_owner IS NOT NULL AND lease_until IS NOT NULL
        ORDER BY user_id, guide_id;
      UPDATE reminders SET lease_owner = NULL, lease_until = NULL,
          attempts = CASE WHEN lease_owner IS NOT NULL AND lease_until IS NOT NULL
            THEN max(attempts - 1, 0) ELSE attempts END
        WHERE lease_owner IS NOT NULL OR lease_until IS NOT NULL;
    `);
  },
  // 5: `reminder_leases_by_owner` goes. It cost a second b-tree write for every claimed reminder
  // (a claim of 10,000 wrote 10,000 index entries) to spare a scan of the lease table when a
  // dispatcher stops; but that table holds only the claims in flight (a claim's row goes when
  // its reminder is sent, rescheduled or cancelled; a crashed holder's rows are replaced when
  // they are claimed again), so the scan reads a few pages, once per shutdown.
  (db) => {
    db.exec('DROP INDEX IF EXISTS reminder_leases_by_owner');
  },
];
