import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { migrations } from './migrations.js';

/** The database was written by a newer build than this one. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly path: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `Database ${path} has schema version ${found}, newer than this build supports (${supported}). ` +
        'Did you roll back to an older version? Run the newer build, or restore a backup made with this one.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

/** Options of {@link openDatabase}. */
export interface OpenOptions {
  /**
   * How often the checkpointer thread copies the WAL back into the database (default 200 ms:
   * often enough that at a steady 50 updates/s the WAL stays under 1 MB; a tick with nothing
   * new to copy costs next to nothing);
   * `false` leaves checkpoints to SQLite, on the `COMMIT` that crosses 1,000 WAL pages.
   */
  readonly checkpointEveryMs?: number | false;
  /**
   * With the checkpointer: the WAL size, in pages, at which a `COMMIT` checkpoints on the
   * caller's thread after all (default 5,000, about 20 MB). See `startCheckpoints`.
   */
  readonly maxWalPages?: number;
  /** With the checkpointer: see `CheckpointerOptions.restartPages` (default 1,000). */
  readonly restartPages?: number;
}

/** SQLite's own automatic checkpoint threshold, in WAL pages (its default). */
const autoCheckpointPages = 1000;

const checkpointers = new WeakMap<Database, Checkpointer>();

/** The database's checkpointer thread, if it has one (for tests and diagnostics). */
export const checkpointerOf = (db: Database): Checkpointer | undefined => checkpointers.get(db);

/**
 * Opens (creating if needed) the SQLite database at `path`, in WAL mode with foreign keys on,
 * and brings its schema up to date. Each migration runs in its own transaction together with
 * the `user_version` bump, so a crash mid-migration leaves the previous version intact.
 *
 * `synchronous = NORMAL`: in WAL mode a commit appends to the WAL without an fsync (a power
 * loss may lose the last transactions, never corrupt the file); the WAL is synced at checkpoints.
 * Checkpoints run in a thread of their own (`checkpointer.ts`), started here and stopped by the
 * returned database's `close()`: the caller's commits do not copy the WAL back or wait for its
 * fsync, except as a safety valve under writes without a pause (see `startCheckpoints`). If that
 * thread cannot run, SQLite checkpoints on commit as usual.
 *
 * @throws DatabaseTooNewError when the file's schema is newer than this build.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, path);
  } catch (error) {
    db.close();
    throw error;
  }
  const everyMs = options.checkpointEveryMs ?? 200;
  if (everyMs !== false && !db.memory) {
    startCheckpoints(db, everyMs, options.maxWalPages ?? 5000, options.restartPages);
  }
  return db;
}

/**
 * Moves the database's checkpoints to a thread, stopped when `db` closes.
 *
 * The thread's checkpoints copy the WAL back, but only a writer can rewind the WAL to its start,
 * and only when it begins after a checkpoint that left nothing to copy. Under writes without a
 * pause (a burst, a long sweep) the thread never quite catches up, and the WAL would grow without
 * bound; so SQLite's own checkpoint stays on at `maxWalPages`, five times its default: it then
 * has little left to copy (the thread did most of it), and it lets the next write rewind the WAL.
 */
function startCheckpoints(
  db: Database,
  everyMs: number,
  maxWalPages: number,
  restartPages?: number,
): void {
  let checkpointer: Checkpointer;
  const restoreAutoCheckpoint = (reason: string): void => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${autoCheckpointPages}`);
    process.emitWarning(`${reason}; SQLite checkpoints on commit again`, 'CheckpointerWarning');
  };
  // For the thread to sync the file outside SQLite's locks (see the worker's `restart`). It is
  // closed only after both connections: closing a descriptor drops the process's locks on the file.
  const databaseFd = openSync(db.name, 'r');
  try {
    checkpointer = startCheckpointer(db.name, {
      everyMs,
      databaseFd,
      onFailure: restoreAutoCheckpoint,
      ...(restartPages === undefined ? {} : { restartPages }),
    });
  } catch (error) {
    closeSync(databaseFd);
    restoreAutoCheckpoint(`WAL checkpointer not started (${String(error)})`);
    return;
  }
  db.pragma(`wal_autocheckpoint = ${maxWalPages}`);
  checkpointers.set(db, checkpointer);
  // Every way of closing (the store's, a test's, main's) goes through the instance's `close`.
  const close = db.close.bind(db);
  let fdOpen = true;
  db.close = () => {
    checkpointer.stop();
    try {
      return close();
    } finally {
      // Once: a second close must not close a number the system has since given to another file.
      if (fdOpen) closeSync(databaseFd);
      fdOpen = false;
    }
  };
}

/** Applies the pending migrations. Exported for tests that start from a given version. */
export function migrate(db: Database, path = db.name): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) throw new DatabaseTooNewError(path, current, migrations.length);
  for (let version = current + 1; version <= migrations.length; version += 1) {
    const step = migrations[version - 1];
    if (step === undefined) break;
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}

/** The schema version this build writes. */
export const schemaVersion = migrations.length;
