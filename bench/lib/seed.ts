import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { dayMs } from '../../src/core/schedule.js';
import { openDatabase, schemaVersion } from '../../src/store/database.js';
import { createTestApp } from '../../tests/helpers/app.js';
import { peerSessionTable, peerSessionValue } from '../peers/sqlite-storage.js';
import { log, seededRandom } from './part.js';

/**
 * Seeding: databases with many users, written directly with prepared statements in one
 * transaction (never through the service, which would take hours for a million users), on
 * the real schema from `openDatabase`. Templates are cached per day in the system's temporary
 * directory and copied for each run, so `npm run bench` seeds each size once.
 */

/** Telegram user ids of seeded users: `telegramIdBase + index`. */
export const telegramIdBase = 100_000_000;
export const telegramId = (index: number): number => telegramIdBase + index;

/** Every `freshEvery`-th seeded user has never opened a guide; the others completed X/Grok. */
export const freshEvery = 50;
export const isFresh = (index: number): boolean => index % freshEvery === 0;

/** Bump when the seeded content changes, so cached templates are rebuilt. */
const seedFormat = 1;
const cacheDir = join(tmpdir(), 'optout-bench-cache');

/** The guide every seeded user completed. */
export const seededGuide = 'x-grok';

/** A run's scratch directory, removed by `cleanup`. */
export function scratchDir(name: string): { dir: string; cleanup(): void } {
  const dir = join(tmpdir(), `optout-bench-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Returns a copy at `dest` of the cached template `name`, building it with `build` if needed. */
function fromTemplate(name: string, dest: string, build: (path: string) => void): string {
  mkdirSync(cacheDir, { recursive: true });
  const day = new Date().toISOString().slice(0, 10);
  const template = join(cacheDir, `${name}-${day}.sqlite`);
  if (!existsSync(template)) {
    // Old templates (other days) are stale: their reminders' due times have moved closer.
    for (const file of readdirSync(cacheDir)) {
      if (file.startsWith(`${name}-`)) rmSync(join(cacheDir, file), { force: true });
    }
    const partial = `${template}.partial`;
    rmSync(partial, { force: true });
    build(partial);
    renameSync(partial, template);
  }
  copyFileSync(template, dest);
  return dest;
}

/**
 * A real completed X/Grok progress state, made by the real service (through the tests' app
 * helper, which follows the service's dependencies) on a scratch database.
 */
async function completedState(dir: string): Promise<string> {
  const app = createTestApp(dir, { file: 'state.sqlite', now: Date.now });
  try {
    const actor = { platform: 'telegram' as const, platformUserId: '1', locale: 'en' };
    await app.service.openGuide(actor, seededGuide);
    for (let step = 0; step < 4; step += 1) {
      await app.service.press(actor, `1:s:${seededGuide}:1:${step}:d`);
    }
    const row = app.db.prepare('SELECT state, status FROM progress').get() as
      { state: string; status: string } | undefined;
    if (row?.status !== 'completed') throw new Error('seed: could not complete the X/Grok guide');
    return row.state;
  } finally {
    app.close();
  }
}

/**
 * Our database with `users` Telegram users (English). Every user except each
 * {@link freshEvery}-th completed X/Grok and has a re-check reminder due 2 to 30 days from now;
 * the fresh ones have a user row only. Returns the path of a private copy in `dir`.
 */
export async function oursDatabase(dir: string, users: number): Promise<string> {
  return seedOurs(dir, users, { fresh: true, reminders: true });
}

/**
 * Our database for the queue benchmark: `users` users who all completed X/Grok, and no
 * reminder yet (the benchmark enqueues them). Returns the path of a private copy in `dir`.
 */
export async function queueDatabase(dir: string, users: number): Promise<string> {
  return seedOurs(dir, users, { fresh: false, reminders: false });
}

async function seedOurs(
  dir: string,
  users: number,
  variant: { readonly fresh: boolean; readonly reminders: boolean },
): Promise<string> {
  const state = await completedState(dir);
  const name = `ours${variant.reminders ? '' : '-noreminders'}${variant.fresh ? '' : '-nofresh'}`;
  const file = `${name}-s${schemaVersion}-f${seedFormat}-${users}`;
  return fromTemplate(file, join(dir, `${name}.sqlite`), (path) => {
    const started = performance.now();
    const db = openDatabase(path);
    const now = Date.now();
    const random = seededRandom(users);
    const insertUser = db.prepare(
      `INSERT INTO users (id, platform, platform_user_id, language, created_at, last_seen_at)
       VALUES (?, 'telegram', ?, 'en', ?, ?)`,
    );
    const insertProgress = db.prepare(
      `INSERT INTO progress (user_id, guide_id, state, status, guide_version, origin, updated_at)
       VALUES (?, ?, ?, 'completed', 1, NULL, ?)`,
    );
    const insertReminder = db.prepare(
      `INSERT INTO reminders (user_id, guide_id, platform, kind, due_at) VALUES (?, ?, 'telegram', 'recheck', ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < users; i += 1) {
        const id = i + 1;
        const seen = now - Math.floor(random() * 30 * dayMs);
        insertUser.run(id, String(telegramId(i)), seen - 60 * dayMs, seen);
        if (variant.fresh && isFresh(i)) continue;
        insertProgress.run(id, seededGuide, state, seen);
        if (!variant.reminders) continue;
        insertReminder.run(id, seededGuide, now + 2 * dayMs + Math.floor(random() * 28 * dayMs));
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    log(
      `seeded ${users.toLocaleString('en')} users (${name}) in ${Math.round(performance.now() - started)} ms`,
    );
  });
}

/**
 * The peer walkthrough bot's database: its session table with one row per user, as grammY's
 * session plugin would have written it (the same users as {@link oursDatabase}).
 */
export function peerDatabase(dir: string, users: number): string {
  return fromTemplate(`peer-f${seedFormat}-${users}`, join(dir, 'peer.sqlite'), (path) => {
    const started = performance.now();
    const db = new BetterSqlite3(path);
    db.pragma('journal_mode = WAL');
    db.exec(peerSessionTable('sessions'));
    const now = Date.now();
    const insert = db.prepare('INSERT INTO sessions (key, value) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < users; i += 1) {
        const value = isFresh(i)
          ? peerSessionValue(undefined)
          : peerSessionValue({ completedAt: now - dayMs, remindAt: now + 29 * dayMs });
        insert.run(String(telegramId(i)), value);
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    log(
      `seeded ${users.toLocaleString('en')} peer sessions in ${Math.round(performance.now() - started)} ms`,
    );
  });
}
