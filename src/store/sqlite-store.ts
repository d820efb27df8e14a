import type { Database } from 'better-sqlite3';
import type { Repositories, Store } from '../core/ports.js';
import { createCommunityRepository } from './repositories/communities.js';
import { createProgressRepository } from './repositories/progress.js';
import { createReminderRepository } from './repositories/reminders.js';
import { createUserRepository } from './repositories/users.js';

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
  const repositories: Repositories = {
    users: createUserRepository(db),
    progress: createProgressRepository(db),
    reminders: createReminderRepository(db),
    communities: createCommunityRepository(db),
  };

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
