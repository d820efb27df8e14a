import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import type { ClaimedReminder, Platform, Store } from '../../src/core/ports.js';
import { openDatabase } from '../../src/store/database.js';
import {
  claimSql,
  loadClaimSql,
  releaseAttemptsSql,
  releaseSql,
} from '../../src/store/repositories/reminders.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { useTempDir } from '../helpers/temp.js';

describe('reminder queue', () => {
  const tmp = useTempDir();
  let db: Database;
  let store: Store;
  beforeEach(() => {
    db = openDatabase(join(tmp(), 'queue.sqlite'));
    store = createSqliteStore(db);
  });
  afterEach(() => store.close());

  /** Creates a user with a completed progress row and a reminder due at `dueAt`. */
  async function enrol(platformUserId: string, dueAt: number, platform: Platform = 'telegram') {
    return store.transaction(async (repos) => {
      const user = await repos.users.touch({ platform, platformUserId }, 0, 'en');
      await repos.progress.put({
        userId: user.id,
        guideId: 'x-grok',
        state: { s: 1 },
        status: 'completed',
        guideVersion: 1,
        origin: null,
        updatedAt: 0,
      });
      await repos.reminders.schedule(user.id, 'x-grok', 'recheck', dueAt);
      return user.id;
    });
  }
  const claim = (now: number, limit = 10, owner = 'a', platform: Platform = 'telegram') =>
    store.transaction((repos) => repos.reminders.claimDue(platform, now, limit, now + 1000, owner));
  const load = (c: ClaimedReminder) => store.transaction((repos) => repos.reminders.load(c));
  const row = (userId: number) =>
    db
      .prepare('SELECT due_at, attempts, paused, kind, last_error FROM reminders WHERE user_id = ?')
      .get(userId);
  const lease = (userId: number) =>
    db
      .prepare('SELECT owner, lease_until, attempts FROM reminder_leases WHERE user_id = ?')
      .get(userId);

  it('claims due reminders of one platform, the oldest first, with what delivery needs', async () => {
    const late = await enrol('1', 300);
    const early = await enrol('2', 100);
    await enrol('3', 900);
    await enrol('4', 50, 'discord');
    // A claim of one takes the oldest due; a claim returns its keys in key order.
    const [oldest, ...none] = await claim(500, 1);
    expect(none).toEqual([]);
    expect(oldest).toEqual({ userId: early, guideId: 'x-grok', leaseUntil: 1500, owner: 'a' });
    expect((await claim(500, 10, 'b')).map((c) => c.userId)).toEqual([late]);
    await store.transaction((repos) => repos.reminders.release('a', 500));
    await store.transaction((repos) => repos.reminders.release('b', 500));
    const claimed = await claim(500);
    expect(claimed.map((c) => c.userId)).toEqual([late, early]);
    expect(await load(claimed[1]!)).toMatchObject({
      kind: 'recheck',
      platformUserId: '2',
      language: 'en',
      cadence: 'default',
      attempts: 1,
      state: { s: 1 },
      leaseUntil: 1500,
      owner: 'a',
    });
  });

  it('holds a claim until its lease runs out, then lets another dispatcher take it', async () => {
    await enrol('1', 100);
    expect(await claim(500, 10, 'a')).toHaveLength(1);
    expect(await claim(600, 10, 'b')).toHaveLength(0);
    const again = await claim(1600, 10, 'b');
    expect(again).toHaveLength(1);
    expect((await load(again[0]!))?.attempts).toBe(2);
  });

  it('saves an outcome only while the claim is held', async () => {
    const id = await enrol('1', 100);
    const [first] = await claim(500, 10, 'a');
    const [second] = await claim(1600, 10, 'b');
    const lost = await store.transaction((repos) =>
      repos.reminders.resolve(first!, { type: 'reschedule', dueAt: 9, kind: 'recheck' }),
    );
    expect(lost).toBe(false);
    expect(await load(first!)).toBeUndefined();
    expect(lease(id)).toMatchObject({ owner: 'b', lease_until: 2600, attempts: 2 });
    const kept = await store.transaction((repos) =>
      repos.reminders.resolve(second!, { type: 'reschedule', dueAt: 5000, kind: 'recheck' }),
    );
    expect(kept).toBe(true);
    expect(row(id)).toMatchObject({ due_at: 5000, attempts: 0 });
    expect(lease(id)).toBeUndefined();
  });

  it('keeps the attempt count and the error for a retry, and pauses an unreachable user', async () => {
    const id = await enrol('1', 100);
    const [c] = await claim(500);
    await store.transaction((repos) =>
      repos.reminders.resolve(c!, {
        type: 'reschedule',
        dueAt: 700,
        kind: 'recheck',
        error: '502 Bad Gateway',
      }),
    );
    expect(row(id)).toMatchObject({ due_at: 700, attempts: 1, last_error: '502 Bad Gateway' });
    const [c2] = await claim(800);
    expect((await load(c2!))?.attempts).toBe(2);
    await store.transaction((repos) =>
      repos.reminders.resolve(c2!, {
        type: 'pause',
        error: 'Forbidden: bot was blocked by the user',
      }),
    );
    expect(row(id)).toMatchObject({ paused: 1, attempts: 0 });
    expect(await claim(99_999)).toHaveLength(0);
    await store.transaction((repos) => repos.reminders.setPaused(id, false));
    expect(await claim(99_999)).toHaveLength(1);
  });

  it('gives back the claims of a stopping dispatcher', async () => {
    const id = await enrol('1', 100);
    await claim(500, 10, 'a');
    expect(await store.transaction((repos) => repos.reminders.release('a', 600))).toBe(1);
    // The reminder keeps its own due time (passed): it is due again at once, the attempt unsent.
    expect(row(id)).toMatchObject({ due_at: 100, attempts: 0 });
    expect(lease(id)).toBeUndefined();
    const [again] = await claim(600, 10, 'b');
    expect((await load(again!))?.attempts).toBe(1);
  });

  it('queues a "changed" reminder once for users who completed an older guide version', async () => {
    const done = await enrol('1', 10_000);
    const neverId = await enrol('2', 10_000);
    await store.transaction((repos) => repos.users.update(neverId, { cadence: 'never' }));
    const current = await store.transaction(async (repos) => {
      const user = await repos.users.touch({ platform: 'telegram', platformUserId: '3' }, 0, 'en');
      await repos.progress.put({
        userId: user.id,
        guideId: 'x-grok',
        state: {},
        status: 'completed',
        guideVersion: 2,
        origin: null,
        updatedAt: 0,
      });
      return user.id;
    });
    expect(
      await store.transaction((repos) => repos.reminders.queueGuideChange('x-grok', 2, 50)),
    ).toBe(1);
    expect(row(done)).toMatchObject({ kind: 'changed', due_at: 50 });
    expect(row(neverId)).toMatchObject({ kind: 'recheck', due_at: 10_000 });
    expect(row(current)).toBeUndefined();
    expect(db.prepare('SELECT status FROM progress WHERE user_id = ?').get(done)).toEqual({
      status: 'needs_recheck',
    });
    expect(
      await store.transaction((repos) => repos.reminders.queueGuideChange('x-grok', 2, 60)),
    ).toBe(0);
  });

  it('schedules a paused reminder for a user the bot cannot reach', async () => {
    const id = await enrol('1', 100);
    await store.transaction((repos) => repos.users.update(id, { dmOk: false }));
    await store.transaction((repos) => repos.reminders.schedule(id, 'x-grok', 'recheck', 200));
    expect(row(id)).toMatchObject({ paused: 1 });
  });

  it('claims at most the batch limit, the oldest first, in one pass whatever the batch size', async () => {
    // Due times shuffled against insertion (and so against primary-key) order.
    const dueTimes = Array.from({ length: 60 }, (_, i) => ((i * 37) % 60) * 10 + 5);
    const ids = new Map<number, number>();
    for (const [i, dueAt] of dueTimes.entries()) ids.set(dueAt, await enrol(String(i + 1), dueAt));
    await enrol('late', 10_000);
    const first = await claim(1000, 25, 'a');
    const oldest = [...dueTimes].sort((x, y) => x - y);
    const keyOrder = (times: number[]) => times.map((t) => ids.get(t)!).sort((x, y) => x - y);
    expect(first.map((c) => c.userId)).toEqual(keyOrder(oldest.slice(0, 25)));
    expect(first.every((c) => c.leaseUntil === 2000 && c.owner === 'a')).toBe(true);
    const rest = await claim(1000, 100, 'b');
    expect(rest.map((c) => c.userId)).toEqual(keyOrder(oldest.slice(25)));
    expect(await claim(1000, 100, 'c')).toHaveLength(0);
    // A claim writes only the lease table: the reminder keeps its due time and count.
    const oldestId = ids.get(oldest[0]!)!;
    expect(row(oldestId)).toMatchObject({ due_at: oldest[0], attempts: 0 });
    expect(lease(oldestId)).toEqual({ owner: 'a', lease_until: 2000, attempts: 1 });
  });

  const plan = (sql: string, params: Record<string, unknown>) =>
    db
      .prepare<Record<string, unknown>, { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(params)
      .map((r) => r.detail)
      .join('\n');

  it('claims through the indexes, never a scan nor a read of the reminders table', () => {
    const claiming = plan(claimSql, {
      platform: 'telegram',
      now: 5,
      limit: 10,
      lease: 1,
      owner: 'a',
    });
    expect(claiming).toMatch(
      /SEARCH r USING COVERING INDEX reminders_due \(platform=\? AND due_at<\?\)/,
    );
    expect(claiming).toMatch(/SEARCH l USING PRIMARY KEY \(user_id=\? AND guide_id=\?\)/);
    // The only scan is of the selected keys (at most `limit`), sorted into key order.
    expect(claiming.match(/SCAN .*/g)).toEqual(['SCAN (subquery-1)']);
    expect(claiming).not.toMatch(/users|progress/);
    const context = plan(loadClaimSql, { user_id: 1, guide_id: 'x', owner: 'a', lease: 1 });
    expect(context).toMatch(/SEARCH l USING PRIMARY KEY \(user_id=\? AND guide_id=\?\)/);
    expect(context).toMatch(/SEARCH r USING PRIMARY KEY \(user_id=\? AND guide_id=\?\)/);
    expect(context).toMatch(/SEARCH u USING INTEGER PRIMARY KEY/);
    expect(context).toMatch(/SEARCH p USING PRIMARY KEY \(user_id=\? AND guide_id=\?\)/);
    expect(context).not.toMatch(/SCAN|USE TEMP B-TREE/);
    // Giving claims back scans the small lease table (claims in flight), never the reminders.
    for (const sql of [releaseAttemptsSql, releaseSql]) {
      const release = plan(sql, { owner: 'a' });
      expect(release.match(/SCAN .*/g)).toEqual([
        expect.stringMatching(/^SCAN (l|reminder_leases)$/),
      ]);
      expect(release).not.toMatch(/SCAN reminders|USE TEMP B-TREE/);
    }
    expect(plan(releaseAttemptsSql, { owner: 'a' })).toMatch(
      /SEARCH reminders USING PRIMARY KEY \(user_id=\? AND guide_id=\?\)/,
    );
  });

  describe('the lease table', () => {
    it('skips a reminder under a live lease and takes the next due one', async () => {
      const held = await enrol('1', 100);
      const next = await enrol('2', 200);
      expect((await claim(500, 1, 'a')).map((c) => c.userId)).toEqual([held]);
      expect((await claim(600, 1, 'b')).map((c) => c.userId)).toEqual([next]);
      expect(lease(held)).toMatchObject({ owner: 'a' });
      expect(lease(next)).toMatchObject({ owner: 'b' });
    });

    it('reclaims an expired lease, counting the crashed attempt, and keeps it on a retry', async () => {
      const id = await enrol('1', 100);
      await claim(500, 10, 'a'); // "a" crashes
      await claim(1500, 10, 'b'); // expired exactly at its end
      const [third] = await claim(2500, 10, 'c');
      expect(lease(id)).toEqual({ owner: 'c', lease_until: 3500, attempts: 3 });
      expect(await load(third!)).toMatchObject({ attempts: 3, owner: 'c', leaseUntil: 3500 });
      await store.transaction((repos) =>
        repos.reminders.resolve(third!, {
          type: 'reschedule',
          dueAt: 4000,
          kind: 'recheck',
          error: 'timeout',
        }),
      );
      expect(row(id)).toMatchObject({ due_at: 4000, attempts: 3 });
      const [fourth] = await claim(4000);
      expect((await load(fourth!))?.attempts).toBe(4);
    });

    it('refuses a resolution after the lease was taken over, a reschedule or a cancel', async () => {
      const id = await enrol('1', 100);
      const [c] = await claim(500, 10, 'a');
      await store.transaction((repos) => repos.reminders.schedule(id, 'x-grok', 'recheck', 900));
      expect(lease(id)).toBeUndefined();
      expect(await load(c!)).toBeUndefined();
      expect(
        await store.transaction((repos) => repos.reminders.resolve(c!, { type: 'drop' })),
      ).toBe(false);
      expect(row(id)).toMatchObject({ due_at: 900 });
      const [d] = await claim(900, 10, 'a');
      await store.transaction((repos) => repos.reminders.cancel(id, 'x-grok'));
      expect(lease(id)).toBeUndefined();
      expect(
        await store.transaction((repos) => repos.reminders.resolve(d!, { type: 'drop' })),
      ).toBe(false);
    });

    it('releases only the owner’s leases, through its index, keeping crashed attempts', async () => {
      const mine = await enrol('1', 100);
      const reclaimed = await enrol('2', 110);
      const theirs = await enrol('3', 120);
      await claim(500, 1, 'x'); // holds `mine`, which "x" never sends
      await claim(500, 1, 'a'); // `reclaimed`, first claim: "a" crashes
      await claim(500, 1, 'b'); // `theirs`
      await claim(1500, 2, 'a'); // `mine` and `reclaimed` again, both expired
      expect(lease(reclaimed)).toMatchObject({ owner: 'a', attempts: 2 });
      expect(await store.transaction((repos) => repos.reminders.release('a', 1600))).toBe(2);
      expect(lease(mine)).toBeUndefined();
      expect(lease(reclaimed)).toBeUndefined();
      expect(lease(theirs)).toMatchObject({ owner: 'b' });
      expect(row(mine)).toMatchObject({ attempts: 1, due_at: 100 }); // x's crashed attempt
      expect(row(reclaimed)).toMatchObject({ attempts: 1, due_at: 110 });
      expect(await store.transaction((repos) => repos.reminders.release('a', 1600))).toBe(0);
    });

    it('removes a forgotten user’s leases with their reminders', async () => {
      const id = await enrol('1', 100);
      const other = await enrol('2', 100);
      await claim(500);
      expect(await store.transaction((repos) => repos.users.forget(id))).toBe(3);
      expect(lease(id)).toBeUndefined();
      expect(lease(other)).toMatchObject({ owner: 'a' });
    });
  });
});
