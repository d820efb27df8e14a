/**
 * `npm run backup -- FILE`: copies the database (DATABASE_PATH, from the environment or `.env`)
 * to FILE with SQLite's online backup, safe while the bot runs: the copy is one consistent
 * snapshot, and the bot keeps writing meanwhile. Refuses to overwrite an existing FILE.
 */
import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';

async function backup(argv: readonly string[]): Promise<number> {
  const target = argv[0];
  if (target === undefined || argv.length !== 1) {
    process.stderr.write(
      'Usage: npm run backup -- FILE (for example backups/optout-2026-01-31.sqlite)\n',
    );
    return 2;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const source = process.env['DATABASE_PATH'] || 'data/optout.sqlite';
  if (!existsSync(source)) {
    process.stderr.write(
      `No database at ${source}: set DATABASE_PATH to the bot's database file.\n`,
    );
    return 1;
  }
  if (existsSync(target)) {
    process.stderr.write(`${target} already exists: choose a new file name, or remove it first.\n`);
    return 1;
  }
  const db = new BetterSqlite3(source, { fileMustExist: true });
  try {
    // The bot holds the database in WAL mode; a busy writer makes the backup wait, not fail.
    db.pragma('busy_timeout = 5000');
    const { totalPages } = await db.backup(target);
    process.stdout.write(`Backed up ${source} to ${target} (${totalPages} pages).\n`);
    return 0;
  } finally {
    db.close();
  }
}

backup(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(
      `Backup failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
