import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseTooNewError, openDatabase, schemaVersion } from '../../src/store/database.js';
import { migrations } from '../../src/store/migrations.js';
import { markNeedsRecheckSql } from '../../src/store/repositories/reminders.js';
import { sweepInactiveSql } from '../../src/store/repositories/users.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { useTempDir } from '../helpers/temp.js';

const key = { platform: 'telegram', platformUserId: '42' } as const;

describe('database', () => {
  const tmp = useTempDir();

  it('creates every table from an empty file, in WAL mode with strict tables', () => {
    const db = openDatabase(join(tmp(), 'nested', 'fresh.sqlite'));
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // NORMAL (1): safe in WAL mode, and no fsync on every commit.
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    const tables = db
      .prepare<[], { name: string; strict: number }>(
        "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
      )
      .all();
    expect(tables.map((t) => t.name).sort()).toEqual([
      'communities',
      'progress',
      'reminder_leases',
      'reminders',
      'users',
    ]);
    expect(tables.every((t) => t.strict === 1)).toBe(true);
    db.close();
  });

  it('applies migration 1 on a real file and records its version', () => {
    const path = join(tmp(), 'm1.sqlite');
    const raw = new BetterSqlite3(path);
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    raw.close();
    const db = openDatabase(path);
    expect(migrations.length).toBe(schemaVersion);
    expect(
      db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'reminders_due'").get(),
    ).toEqual({ n: 1 });
    db.close();
  });

  it('keeps data when reopened, and migrating again changes nothing', async () => {
    const path = join(tmp(), 'keep.sqlite');
    const first = createSqliteStore(openDatabase(path));
    await first.transaction(async (repos) => {
      const user = await repos.users.touch(key, 1, 'fr');
      await repos.progress.put({
        userId: user.id,
        guideId: 'x-grok',
        state: { a: 1 },
        status: 'in_progress',
        guideVersion: 1,
        origin: null,
        updatedAt: 1,
      });
      await repos.reminders.schedule(user.id, 'x-grok', 'recheck', 500);
    });
    first.close();
    const second = createSqliteStore(openDatabase(path));
    const found = await second.transaction(async (repos) => {
      const user = await repos.users.find(key);
      return {
        user,
        progress: await repos.progress.get(user!.id, 'x-grok'),
        reminder: await repos.reminders.get(user!.id, 'x-grok'),
      };
    });
    second.close();
    expect(found.user).toMatchObject({ language: 'fr', cadence: 'default', dmOk: true });
    expect(found.progress?.state).toEqual({ a: 1 });
    expect(found.reminder).toMatchObject({ dueAt: 500, kind: 'recheck', attempts: 0 });
  });

  it('migration 2 brings a version-1 database to version 2, keeping its data', async () => {
    const path = join(tmp(), 'm2.sqlite');
    const raw = new BetterSqlite3(path);
    migrations[0]!(raw);
    raw.pragma('user_version = 1');
    raw
      .prepare(
        "INSERT INTO users (platform, platform_user_id, language, created_at, last_seen_at) VALUES ('telegram', '9', 'fr', 1, 1)",
      )
      .run();
    raw.close();
    const store = createSqliteStore(openDatabase(path));
    const user = await store.transaction((repos) =>
      repos.users.find({ platform: 'telegram', platformUserId: '9' }),
    );
    expect(user?.language).toBe('fr');
    const community = await store.transaction((repos) =>
      repos.communities.ensure({ platform: 'telegram', communityId: '-100' }, 'abcd1234', 5),
    );
    expect(community).toMatchObject({
      ref: 'abcd1234',
      featured: ['x-grok'],
      statsOn: false,
      language: null,
    });
    store.close();
  });

  it('migration 3 brings a version-2 database to version 3 with the indexes of the start-up queries', async () => {
    const path = join(tmp(), 'm3.sqlite');
    const raw = new BetterSqlite3(path);
    migrations[0]!(raw);
    migrations[1]!(raw);
    raw.pragma('user_version = 2');
    raw
      .prepare(
        "INSERT INTO users (id, platform, platform_user_id, language, created_at, last_seen_at) VALUES (7, 'telegram', '9', 'fr', 1, 1), (8, 'telegram', '10', 'fr', 1, 1)",
      )
      .run();
    raw
      .prepare(
        "INSERT INTO progress (user_id, guide_id, state, status, guide_version, updated_at) VALUES (7, 'x-grok', '{}', 'completed', 1, 1)",
      )
      .run();
    raw.close();
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
    const indexes = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'index'")
      .all()
      .map((r) => r.name);
    expect(indexes).toEqual(
      expect.arrayContaining(['users_by_last_seen', 'progress_by_guide_version']),
    );
    expect(indexes).not.toContain('progress_by_guide'); // replaced: its columns lead the new one
    const plan = (sql: string, ...params: unknown[]) =>
      db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => r.detail)
        .join('\n');
    const sweep = plan(sweepInactiveSql, 1, 10);
    expect(sweep).toMatch(
      /SEARCH u USING (COVERING )?INDEX users_by_last_seen \(last_seen_at<\?\)/,
    );
    expect(sweep).not.toMatch(/SCAN (u|users|r|reminders)\b/);
    const recheck = plan(markNeedsRecheckSql, { now: 1, guide_id: 'x-grok', version: 2 });
    expect(recheck).toMatch(
      /SEARCH progress USING (COVERING )?INDEX progress_by_guide_version \(guide_id=\? AND status=\? AND guide_version<\?\)/,
    );
    expect(recheck).not.toMatch(/SCAN progress/);
    const store = createSqliteStore(db);
    expect(
      await store.transaction((repos) => repos.reminders.queueGuideChange('x-grok', 2, 50)),
    ).toBe(1);
    // User 7 now has a reminder (queued above) and stays; user 8 has none.
    expect(await store.transaction((repos) => repos.users.sweepInactive(100, 10))).toBe(1);
    expect(db.prepare('SELECT id FROM users').all()).toEqual([{ id: 7 }]);
    store.close();
  });

  it('migration 4 moves the claims held in a version-3 database into the lease table', async () => {
    const path = join(tmp(), 'm4.sqlite');
    const raw = new BetterSqlite3(path);
    for (const step of migrations.slice(0, 3)) step(raw);
    raw.pragma('user_version = 3');
    raw.exec(`
      INSERT INTO users (id, platform, platform_user_id, language, created_at, last_seen_at)
        VALUES (1, 'telegram', '1', 'en', 1, 1), (2, 'telegram', '2', 'en', 1, 1),
               (3, 'telegram', '3', 'en', 1, 1);
      -- As version 3 leaves them: user 1's reminder claimed by "old" (due_at moved to the lease's
      -- end, the attempt counted), user 2's after a failed retry, user 3's not claimed.
      INSERT INTO reminders (user_id, guide_id, platform, kind, due_at, attempts, lease_until, lease_owner)
        VALUES (1, 'x-grok', 'telegram', 'recheck', 2000, 2, 2000, 'old'),
               (2, 'x-grok', 'telegram', 'recheck', 700, 1, NULL, NULL),
               (3, 'x-grok', 'telegram', 'recheck', 800, 0, NULL, NULL);
    `);
    raw.close();
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
    // Migration 5 then dropped the lease table's owner index.
    expect(
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reminder_leases'",
        )
        .all(),
    ).toEqual([]);
    expect(db.prepare('SELECT * FROM reminder_leases').all()).toEqual([
      { user_id: 1, guide_id: 'x-grok', owner: 'old', lease_until: 2000, attempts: 1 },
    ]);
    expect(
      db.prepare('SELECT user_id, due_at, attempts, lease_until, lease_owner FROM reminders').all(),
    ).toEqual([
      { user_id: 1, due_at: 2000, attempts: 1, lease_until: null, lease_owner: null },
      { user_id: 2, due_at: 700, attempts: 1, lease_until: null, lease_owner: null },
      { user_id: 3, due_at: 800, attempts: 0, lease_until: null, lease_owner: null },
    ]);
    const store = createSqliteStore(db);
    const claim = (now: number, owner: string) =>
      store.transaction(async (repos) => {
        const claims = await repos.reminders.claimDue('telegram', now, 10, now + 1000, owner);
        return Promise.all(claims.map((c) => repos.reminders.load(c)));
      });
    // Still held by its version-3 claim until 2000; the others are claimable as before.
    expect((await claim(1200, 'new')).map((c) => [c?.userId, c?.attempts])).toEqual([
      [2, 2],
      [3, 1],
    ]);
    // Its holder never came back: reclaimed at the end of its lease, the lost attempt counted.
    expect((await claim(2000, 'new')).map((c) => [c?.userId, c?.attempts])).toEqual([[1, 3]]);
    // The old holder may still give its claims back, by owner, like any other.
    expect(await store.transaction((repos) => repos.reminders.release('old', 2000))).toBe(0);
    store.close();
  });

  it('refuses a database written by a newer build, with a clear message', () => {
    const path = join(tmp(), 'newer.sqlite');
    const raw = new BetterSqlite3(path);
    raw.pragma(`user_version = ${schemaVersion + 3}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(path)).toThrow(
      `has schema version ${schemaVersion + 3}, newer than this build supports (${schemaVersion}). Did you roll back`,
    );
  });

  it('rolls a failed transaction back entirely', async () => {
    const store = createSqliteStore(openDatabase(join(tmp(), 'rollback.sqlite')));
    await expect(
      store.transaction(async (repos) => {
        await repos.users.touch(key, 1, 'en');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.transaction((repos) => repos.users.find(key))).toBeUndefined();
    store.close();
  });

  it('never interleaves concurrent transactions', async () => {
    const store = createSqliteStore(openDatabase(join(tmp(), 'serial.sqlite')));
    const order: string[] = [];
    const slow = store.transaction(async (repos) => {
      order.push('a:start');
      await repos.users.touch(key, 1, 'en');
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('a:end');
    });
    const fast = store.transaction(() => {
      order.push('b:start');
      return Promise.resolve();
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['a:start', 'a:end', 'b:start']);
    store.close();
  });

  it('reads a corrupt progress row as unknown state instead of crashing', async () => {
    const db = openDatabase(join(tmp(), 'corrupt.sqlite'));
    const store = createSqliteStore(db);
    const userId = await store.transaction(
      async (repos) => (await repos.users.touch(key, 1, 'en')).id,
    );
    db.prepare(
      "INSERT INTO progress (user_id, guide_id, state, status, guide_version, updated_at) VALUES (?, 'x-grok', '\"oops\"', 'in_progress', 1, 1)",
    ).run(userId);
    const record = await store.transaction((repos) => repos.progress.get(userId, 'x-grok'));
    expect(record?.state).toBe('oops');
    store.close();
  });
});
