import type { Database } from 'better-sqlite3';
import type { StorageAdapter } from 'grammy';

/**
 * The SQLite storage a grammY developer writes for sessions: grammY's three-method
 * `StorageAdapter` over better-sqlite3, one JSON value per key. There is no official SQLite
 * adapter for Node, so this is the ten-line adapter from grammY's "write your own" guidance.
 * The conversations plugin takes the same shape for its own state.
 */
export class SqliteStorage<T> implements StorageAdapter<T> {
  private readonly getValue;
  private readonly putValue;
  private readonly deleteValue;

  constructor(db: Database, table: string) {
    db.exec(peerSessionTable(table));
    this.getValue = db.prepare<[string], { value: string }>(
      `SELECT value FROM ${table} WHERE key = ?`,
    );
    this.putValue = db.prepare<[string, string]>(
      `INSERT INTO ${table} (key, value) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    this.deleteValue = db.prepare<[string]>(`DELETE FROM ${table} WHERE key = ?`);
  }

  read(key: string): T | undefined {
    const row = this.getValue.get(key);
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  write(key: string, value: T): void {
    this.putValue.run(key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.deleteValue.run(key);
  }
}

/** The key-value table of {@link SqliteStorage}. */
export const peerSessionTable = (table: string): string =>
  `CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`;

/** What the peer keeps per user in its session: when they finished the X/Grok walkthrough. */
export interface PeerSession {
  grok?: { completedAt: number; remindAt: number };
}

/** A session row's value as the session plugin writes it. */
export const peerSessionValue = (grok: PeerSession['grok']): string =>
  JSON.stringify(grok === undefined ? {} : { grok });
