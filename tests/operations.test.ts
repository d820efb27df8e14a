import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { talk } from './bots/telegram/harness.js';
import { startFakeTelegram } from './fakes/telegram/server.js';
import { freePort, get, sample, waitHealthy } from './helpers/http.js';
import { root, runScenario } from './helpers/process.js';
import { useTempDir } from './helpers/temp.js';

describe('operations (HTTP_PORT, backup, SIGTERM)', () => {
  const tmp = useTempDir();

  it('answers /healthz and /metrics, backs up while running, and finishes an update in flight on SIGTERM', async () => {
    const fake = await startFakeTelegram();
    const port = await freePort();
    const database = join(tmp(), 'ops.sqlite');
    try {
      const env = {
        DATABASE_PATH: database,
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        HTTP_PORT: String(port),
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'debug',
      };
      const run = await runScenario(
        [],
        env,
        async () => {
          await waitHealthy(port);
          const before = (await get(port, '/metrics'))?.body ?? '';
          expect(sample(before, 'optout_walkthroughs_total{event="started"}')).toBe(0);
          const ann = talk(fake, fake.user({ id: 77, firstName: 'Ann', languageCode: 'en' }));
          const step1 = await ann.say('/grok_optout');
          expect(step1.text).toContain('Step 1 of 4');
          const after = (await get(port, '/metrics'))?.body ?? '';
          expect(sample(after, 'optout_walkthroughs_total{event="started"}')).toBe(1);
          expect(
            sample(after, 'optout_updates_handled_total{platform="telegram",outcome="ok"}'),
          ).toBeGreaterThanOrEqual(1);
          expect(sample(after, 'optout_update_handling_seconds_count{platform="telegram"}')).toBe(
            sample(after, 'optout_updates_handled_total{platform="telegram",outcome="ok"}'),
          );
          expect(after).toContain('optout_reminders_pending');

          // An online backup while the bot runs.
          const copy = join(tmp(), 'backup.sqlite');
          const backup = spawnSync(
            process.execPath,
            ['--import', 'tsx', 'scripts/backup.ts', copy],
            { cwd: root, env: { PATH: process.env['PATH'] ?? '', DATABASE_PATH: database } },
          );
          expect(backup.stderr.toString()).toBe('');
          expect(backup.status).toBe(0);
          const saved = new BetterSqlite3(copy, { readonly: true });
          expect(saved.pragma('integrity_check', { simple: true })).toBe('ok');
          expect(saved.prepare('SELECT platform_user_id FROM users').all()).toEqual([
            { platform_user_id: '77' },
          ]);
          saved.close();

          // The next step's edit is slowed by a 429 (retry after 2 s): SIGTERM arrives while
          // the update is in flight, and the bot must finish it before exiting.
          fake.fault(
            'editMessageText',
            { error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 2 } },
            1,
          );
          const done = step1.buttons.find((b) => b.text === '✅ Done');
          if (!done || !('callback_data' in done)) throw new Error('no "✅ Done" button');
          const from = fake.calls.length;
          fake.press(fake.user({ id: 77, firstName: 'Ann' }), step1, done.callback_data);
          await fake.waitFor((c) => c.method === 'editmessagetext', 10_000, from);
        },
        { timeoutMs: 90_000 },
      );
      expect(run.code).toBe(0);
      expect(run.stderr).toContain('"msg":"update"');
      // The update in flight at SIGTERM was finished: the edit went through and was saved.
      const edits = fake.calls.filter((c) => c.method === 'editmessagetext');
      expect(edits.map((c) => c.outcome)).toEqual(['fault', 'ok']);
      expect(fake.lastMessage(77)?.text).toContain('Step 2 of 4');
      // ... and confirmed to Telegram, so a restart does not receive it again.
      const lastPoll = [...fake.calls].reverse().find((c) => c.method === 'getupdates');
      const lastId = Math.max(
        ...fake.calls.flatMap((c) =>
          c.method === 'getupdates' && Array.isArray((c.response as { result?: unknown }).result)
            ? (c.response as { result: { update_id: number }[] }).result.map((u) => u.update_id)
            : [],
        ),
      );
      expect(Number(lastPoll?.params['offset'])).toBe(lastId + 1);
    } finally {
      await fake.close();
    }
  }, 120_000);

  it('serves Telegram updates on a webhook, refusing requests without the secret header', async () => {
    const fake = await startFakeTelegram();
    const port = await freePort();
    const secret = 'webhook-secret-0123456789abcdef';
    try {
      const env = {
        DATABASE_PATH: join(tmp(), 'hook.sqlite'),
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: fake.apiRoot,
        HTTP_PORT: String(port),
        HTTP_HOST: '127.0.0.1',
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/hook',
        TELEGRAM_WEBHOOK_SECRET: secret,
        LOG_LEVEL: 'silent',
      };
      const post = (update: unknown, token?: string) =>
        fetch(`http://127.0.0.1:${port}/telegram/hook`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token === undefined ? {} : { 'x-telegram-bot-api-secret-token': token }),
          },
          body: JSON.stringify(update),
        });
      const run = await runScenario(
        [],
        env,
        async () => {
          await fake.waitFor((c) => c.method === 'setwebhook', 30_000);
          await waitHealthy(port);
          const setWebhook = fake.calls.find((c) => c.method === 'setwebhook');
          expect(setWebhook?.params['url']).toBe('https://bot.example.org/telegram/hook');
          expect(setWebhook?.params['secret_token']).toBe(secret);
          const ann = fake.user({ id: 78, firstName: 'Ann', languageCode: 'en' });
          // The fake builds the update; the test posts it as Telegram would.
          const forged = fake.sendText(ann, '/grok_optout');
          expect((await post(forged)).status).toBe(401);
          expect((await post(forged, 'wrong-secret-0123456789')).status).toBe(401);
          expect(fake.messages(78)).toEqual([]);
          const update = fake.sendText(ann, '/grok_optout');
          expect((await post(update, secret)).status).toBe(200);
          expect(fake.lastMessage(78)?.text).toContain('Step 1 of 4');
          expect(fake.calls.some((c) => c.method === 'getupdates')).toBe(false);
        },
        { timeoutMs: 60_000 },
      );
      expect(run.code).toBe(0);
    } finally {
      await fake.close();
    }
  }, 90_000);
});
