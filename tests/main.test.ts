import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { discordUser, guilds, misbehaviour, textOf } from './bots/discord/harness.js';
import { talk } from './bots/telegram/harness.js';
import { startFakeDiscord } from './fakes/discord/index.js';
import { startFakeTelegram } from './fakes/telegram/server.js';
import { runBot, runScenario } from './helpers/process.js';
import { useTempDir } from './helpers/temp.js';

/** Runs `npm start`'s program with `input` typed in (see `runBot`). */
const start = (
  args: string[],
  env: Record<string, string>,
  input: string,
  control?: (child: ChildProcess) => void,
) => runBot(args, env, { input, ...(control ? { control } : {}) });

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
  }, 90_000);

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

describe('npm start with TELEGRAM_BOT_TOKEN', () => {
  const tmp = useTempDir();

  it('serves Telegram users, never logs the token, and exits 0 on SIGTERM', async () => {
    const fake = await startFakeTelegram({ token: '987654:SECRET-looking-TOKEN_value' });
    try {
      const env = {
        DATABASE_PATH: join(tmp(), 'tg.sqlite'),
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        LOG_LEVEL: 'trace',
      };
      const run = await runScenario([], env, async () => {
        await fake.waitForPoll(45_000);
        const reply = await talk(
          fake,
          fake.user({ id: 77, firstName: 'Ann', languageCode: 'fr' }),
        ).say('/grok_optout');
        expect(reply.text).toContain('Étape 1 sur 4');
      });
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('polling for updates');
      expect(run.stderr).not.toContain('SECRET-looking-TOKEN_value');
      expect(run.stdout).not.toContain('SECRET-looking-TOKEN_value');
    } finally {
      await fake.close();
    }
  }, 90_000);

  it('exits 1 with a clear message when another instance polls the same token', async () => {
    const fake = await startFakeTelegram();
    try {
      const env = {
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        LOG_LEVEL: 'silent',
      };
      const children: ChildProcess[] = [];
      const keep = (child: ChildProcess) => void children.push(child);
      const first = start([], { ...env, DATABASE_PATH: join(tmp(), 'a.sqlite') }, '', keep);
      await fake.waitForPoll(45_000);
      const second = start([], { ...env, DATABASE_PATH: join(tmp(), 'b.sqlite') }, '', keep);
      const loser = await Promise.race([first, second]);
      expect(loser.code).toBe(1);
      expect(loser.stderr).toContain(
        'another instance of this bot is already running with the same token',
      );
      for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
      const results = await Promise.all([first, second]);
      expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    } finally {
      await fake.close();
    }
  }, 120_000);
});

describe('npm start with DISCORD_BOT_TOKEN', () => {
  const tmp = useTempDir();
  const token = 'MTAwMDAwMDAwMDAwMDAwMDAx.SECRET-looking.TOKEN_value';

  it('serves Discord members, never logs the token, and exits 0 on SIGTERM', async () => {
    const fake = await startFakeDiscord({ token, guilds });
    try {
      const env = {
        DATABASE_PATH: join(tmp(), 'dc.sqlite'),
        DISCORD_BOT_TOKEN: fake.token,
        DISCORD_API_URL: fake.apiUrl,
        LOG_LEVEL: 'trace',
      };
      const run = await runScenario([], env, async () => {
        await fake.waitFor((r) => r.method === 'PUT' && r.path.endsWith('/commands'), 15_000);
        const ann = discordUser(
          fake,
          fake.user({ id: '500000000000000077', username: 'ann', locale: 'fr' }),
        );
        const { response } = await ann.slash('grok-optout');
        expect(textOf(response)).toContain('Je vous ai envoyé un message privé');
        const step = await ann.click(ann.dm()[0], "✅ C'est fait");
        expect(textOf(step.message)).toContain('Étape 2 sur 4');
      });
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('discord: connected, answering interactions');
      expect(run.stderr).not.toContain('SECRET-looking');
      expect(run.stdout).not.toContain('SECRET-looking');
      expect(misbehaviour(fake)).toEqual({ violations: [], acks: [] });
    } finally {
      await fake.close();
    }
  }, 90_000);

  it('exits 1 with a one-line fix when Discord refuses the token', async () => {
    const fake = await startFakeDiscord({ token, guilds });
    try {
      const run = await start(
        [],
        {
          DATABASE_PATH: join(tmp(), 'dc.sqlite'),
          DISCORD_BOT_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAx.another.token-value',
          DISCORD_API_URL: fake.apiUrl,
          LOG_LEVEL: 'silent',
        },
        '',
      );
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([
        'Discord refused the token (401 Unauthorized): copy DISCORD_BOT_TOKEN again from the Developer Portal (Bot › Reset Token).',
      ]);
    } finally {
      await fake.close();
    }
  }, 90_000);
});
