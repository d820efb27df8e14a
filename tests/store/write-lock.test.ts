import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { useTempDir } from '../helpers/temp.js';

const key = { platform: 'telegram', platformUserId: '42' } as const;

describe('a transaction waiting for the write lock', () => {
  const tmp = useTempDir();

  /** The bot's store, and a second connection to the same file (another process, the checkpointer). */
  function open(busyTimeoutMs: number) {
    const path = join(tmp(), 'lock.sqlite');
    const db = openDatabase(path, { checkpointEveryMs: false });
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const store = createSqliteStore(db);
    const other = new BetterSqlite3(path);
    return { db, store, other };
  }

  it('waits without blocking the event loop, then writes once the lock is free', async () => {
    const { db, store, other } = open(5_000);
    other.exec('BEGIN IMMEDIATE');
    const ticks: number[] = [];
    const ticker = setInterval(() => ticks.push(performance.now()), 2);
    const started = performance.now();
    const written = store.transaction((repos) => repos.users.touch(key, 1_000, 'en'));
    // While the other connection holds the lock, timers keep firing here.
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(ticks.length).toBeGreaterThanOrEqual(10);
    expect(db.inTransaction).toBe(false);
    other.exec('COMMIT');
    const user = await written;
    clearInterval(ticker);
    expect(user.platformUserId).toBe('42');
    expect(performance.now() - started).toBeGreaterThanOrEqual(80);
    // No gap between ticks as long as a blocking busy wait would have made.
    const gaps = ticks.slice(1).map((t, i) => t - (ticks[i] ?? t));
    expect(Math.max(...gaps)).toBeLessThan(60);
    const stored = await store.transaction((repos) => repos.users.find(key));
    expect(stored?.id).toBe(user.id);
    other.close();
    store.close();
  });

  it("gives up after the connection's busy timeout with SQLite's own error, changing nothing", async () => {
    const { db, store, other } = open(150);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    await expect(
      store.transaction((repos) => repos.users.touch(key, 1_000, 'en')),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    other.exec('ROLLBACK');
    expect(await store.transaction((repos) => repos.users.find(key))).toBeUndefined();
    // The connection keeps its busy timeout for everything else.
    expect(db.pragma('busy_timeout', { simple: true })).toBe(150);
    other.close();
    store.close();
  });
});
