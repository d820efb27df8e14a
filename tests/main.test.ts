import { spawn } from 'node:child_process';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTempDir } from './helpers/temp.js';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/** Runs `npm start`'s command as a real process with `input` typed in; bounded to 20 s. */
function start(
  args: string[],
  env: Record<string, string>,
  input: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['src/main.ts', ...args], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LANG: 'C', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`timed out; stdout so far:\n${stdout}\nstderr:\n${stderr}`));
    }, 20_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

describe('npm start with no token', () => {
  const tmp = useTempDir();

  it('runs the terminal walkthrough on the SQLite file, and it survives a restart', async () => {
    const env = { DATABASE_PATH: join(tmp(), 'db', 'optout.sqlite') };
    const first = await start([], env, '1\n1\n');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Step 3 of 4');
    const second = await start([], env, 'q\n');
    expect(second.stdout).toContain('Step 3 of 4   ✅ ✅ ⬜ ⬜');
    const db = new BetterSqlite3(env.DATABASE_PATH, { readonly: true });
    expect(db.prepare('SELECT platform, platform_user_id FROM users').all()).toEqual([
      { platform: 'console', platform_user_id: 'local' },
    ]);
    db.close();
  }, 45_000);

  it('speaks French with --lang fr', async () => {
    const run = await start(['--lang', 'fr'], { DATABASE_PATH: join(tmp(), 'fr.sqlite') }, '');
    expect(run.stdout).toContain('Étape 1 sur 4');
  });

  it.each([
    [
      { REMINDER_INTERVAL: '3 weeks' },
      [],
      'REMINDER_INTERVAL="3 weeks" is not a duration: use a number and a unit, like 45s, 10m, 12h or 30d',
    ],
    [
      { TELEGRAM_BOT_TOKEN: 'not a token' },
      [],
      'TELEGRAM_BOT_TOKEN does not look like a bot token',
    ],
    [{ LOG_LEVEL: 'loud' }, [], 'LOG_LEVEL must be one of'],
    [{}, ['--lang', 'xx'], '--lang xx is not available: choose one of en, fr'],
  ])('refuses %j %j with a one-line fix', async (env, args, message) => {
    const run = await start(args, { DATABASE_PATH: join(tmp(), 'x.sqlite'), ...env }, '');
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });

  it('refuses a database from a newer build', async () => {
    const path = join(tmp(), 'newer.sqlite');
    const db = new BetterSqlite3(path);
    db.pragma('user_version = 99');
    db.close();
    const run = await start([], { DATABASE_PATH: path }, '');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('newer than this build supports');
  });
});
