import { existsSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { checkpointerOf, openDatabase } from '../../src/store/database.js';
import { useTempDir } from '../helpers/temp.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `done` does, or rejects after `ms`. */
const within = <T>(done: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    done,
    sleep(ms).then(() => {
      throw new Error(`not done within ${ms} ms`);
    }),
  ]);

/** This process's open descriptors of the file at `path` (Linux: `/proc/self/fd`). */
const descriptorsOf = (path: string): number =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // closed meanwhile (the listing's own descriptor)
    }
  }).length;

const walBytes = (path: string): number =>
  existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;

describe('WAL checkpointer', () => {
  const tmp = useTempDir();

  const blobTable = (db: Database) => {
    db.exec('CREATE TABLE blobs (data BLOB NOT NULL) STRICT');
    const insert = db.prepare('INSERT INTO blobs (data) VALUES (randomblob(4000))');
    return db.transaction(() => {
      for (let i = 0; i < 250; i += 1) insert.run(); // about 1 MB
    });
  };

  it('keeps the WAL bounded by itself when writes pause, commits never checkpointing', async () => {
    const path = join(tmp(), 'bounded.sqlite');
    // The commits' own checkpoint is out of reach here (60 MB): the thread does all the work.
    const db = openDatabase(path, { checkpointEveryMs: 50, maxWalPages: 15_000 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(15_000);
    const write = blobTable(db);
    let largest = 0;
    for (let round = 0; round < 30; round += 1) {
      write();
      largest = Math.max(largest, walBytes(path));
      await sleep(150); // three checkpoint intervals
    }
    const written = statSync(path).size;
    // About 30 MB went through the WAL; without checkpoints it would hold all of it.
    expect(written).toBeGreaterThan(25_000_000);
    expect(largest).toBeLessThan(8_000_000);
    // Unchanged: the thread did the work (had it failed, SQLite's default would be back).
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(15_000);
    db.close();
  });

  it('keeps the WAL under its limit when writes never pause', () => {
    const path = join(tmp(), 'busy.sqlite');
    const db = openDatabase(path, { checkpointEveryMs: 20, maxWalPages: 500 });
    const write = blobTable(db);
    let largest = 0;
    for (let round = 0; round < 60; round += 1) {
      write();
      largest = Math.max(largest, walBytes(path));
    }
    // About 60 MB went through the WAL: unbounded, it would hold all of it.
    expect(statSync(path).size).toBeGreaterThan(50_000_000);
    // 500 pages of 4 KiB plus the transaction that crosses the limit (3 MB), and more when a
    // commit's checkpoint finds the thread's running and leaves the rewind to a later one: on a
    // machine busy with other test files, 3–9.5 MB was seen (and up to 19 MB before the thread
    // synced the file ahead of its RESTART). Bounded, whatever the timing.
    expect(largest).toBeLessThan(20_000_000);
    db.close();
  });

  it('rewinds the WAL itself when writes never pause long, before the commits would checkpoint', async () => {
    const path = join(tmp(), 'steady.sqlite');
    // The commits' own checkpoint is out of reach (60 MB): only the thread can bound the WAL.
    const db = openDatabase(path, {
      checkpointEveryMs: 20,
      maxWalPages: 15_000,
      restartPages: 250,
    });
    db.exec('CREATE TABLE blobs (data BLOB NOT NULL) STRICT');
    const insert = db.prepare('INSERT INTO blobs (data) VALUES (randomblob(4000))');
    // A bot's writes: small transactions (40 KB here) a millisecond apart, more often than a
    // PASSIVE checkpoint (a copy and a sync) can finish between two of them.
    const write = db.transaction(() => {
      for (let i = 0; i < 10; i += 1) insert.run();
    });
    write();
    // Wait (at most 10 s) for the thread's first checkpoint: it has started.
    for (let waited = 0; statSync(path).size < 40_000 && waited < 10_000; waited += 20) {
      await sleep(20);
    }
    let largest = 0;
    for (let round = 0; round < 500; round += 1) {
      write();
      largest = Math.max(largest, walBytes(path));
      await sleep(1);
    }
    // 20 MB went through the WAL; 250 pages (1 MB) plus what lands while the thread catches up.
    expect(largest).toBeLessThan(6_000_000);
    db.close();
  });

  it('stops its thread when the database closes, leaving no WAL behind', async () => {
    const path = join(tmp(), 'stop.sqlite');
    const db = openDatabase(path, { checkpointEveryMs: 20 });
    // The connection's, the thread's (once started) and the one the thread syncs the file with.
    expect(descriptorsOf(path)).toBeGreaterThanOrEqual(2);
    const checkpointer = checkpointerOf(db);
    expect(checkpointer).toBeDefined();
    db.exec('CREATE TABLE t (x INTEGER)');
    db.prepare('INSERT INTO t (x) VALUES (1)').run();
    await sleep(300); // let the thread start and checkpoint
    db.close();
    db.close(); // a second close changes nothing (and closes no other file's descriptor)
    await within(checkpointer!.exited, 5000);
    expect(descriptorsOf(path)).toBe(0);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const again = openDatabase(path, { checkpointEveryMs: false });
    expect(again.prepare('SELECT x FROM t').all()).toEqual([{ x: 1 }]);
    again.close();
  });

  it('closes at once when the thread has not started yet', async () => {
    const db = openDatabase(join(tmp(), 'early.sqlite'));
    const checkpointer = checkpointerOf(db);
    const started = performance.now();
    db.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await within(checkpointer!.exited, 5000);
  });

  it('runs one per connection on a shared file, each stopping with its own', async () => {
    const path = join(tmp(), 'shared.sqlite');
    const a = openDatabase(path, { checkpointEveryMs: 20 });
    const b = openDatabase(path, { checkpointEveryMs: 20 });
    a.exec('CREATE TABLE t (x INTEGER)');
    const insertA = a.prepare('INSERT INTO t (x) VALUES (?)');
    const insertB = b.prepare('INSERT INTO t (x) VALUES (?)');
    for (let i = 0; i < 200; i += 1) {
      insertA.run(i);
      insertB.run(-i);
      if (i % 50 === 0) await sleep(30);
    }
    const threads = [checkpointerOf(a)!, checkpointerOf(b)!];
    expect(threads[0]!.threadId).not.toBe(threads[1]!.threadId);
    a.close();
    expect(b.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 400 });
    b.close();
    await within(Promise.all(threads.map((t) => t.exited)), 5000);
  });

  it('can be left to SQLite, which then checkpoints on commit', () => {
    const db = openDatabase(join(tmp(), 'auto.sqlite'), { checkpointEveryMs: false });
    expect(checkpointerOf(db)).toBeUndefined();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });
});
