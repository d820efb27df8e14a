import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
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

/**
 * Opens (creating if needed) the SQLite database at `path`, in WAL mode with foreign keys on,
 * and brings its schema up to date. Each migration runs in its own transaction together with
 * the `user_version` bump, so a crash mid-migration leaves the previous version intact.
 *
 * @throws DatabaseTooNewError when the file's schema is newer than this build.
 */
export function openDatabase(path: string): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
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
