import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialProgress } from '../src/core/progress.js';
import { openDatabase } from '../src/store/database.js';
import { createSqliteStore } from '../src/store/sqlite-store.js';
import { startFakeTelegram, type FakeTelegram } from './fakes/telegram/server.js';
import { shippedCatalog } from './helpers/app.js';
import { runBot } from './helpers/process.js';
import { useTempDir } from './helpers/temp.js';

const users = 1_000;
const title = 'Time for a quick check';

/** A database with `users` Telegram users who completed X/Grok, each with a reminder due now. */
async function seed(path: string, fake: FakeTelegram): Promise<number[]> {
  const store = createSqliteStore(openDatabase(path));
  const guide = shippedCatalog.get('x-grok');
  if (!guide) throw new Error('x-grok missing');
  const ids = Array.from({ length: users }, (_, i) => 7_000_000 + i);
  await store.transaction(async (repos) => {
    for (const id of ids) {
      fake.markStarted(fake.user({ id, firstName: `User ${id}`, languageCode: 'en' }));
      const user = await repos.users.touch(
        { platform: 'telegram', platformUserId: String(id) },
        0,
        'en',
      );
      const state = {
        ...initialProgress(guide, 0),
        status: 'completed' as const,
        completedVersion: 1,
        completedAt: 0,
      };
      await repos.progress.put({
        userId: user.id,
        guideId: 'x-grok',
        state,
        status: 'completed',
        guideVersion: 1,
        origin: null,
        updatedAt: 0,
      });
      await repos.reminders.schedule(user.id, 'x-grok', 'recheck', Date.now() - 1_000);
    }
  });
  store.close();
  return ids;
}

/** Reminder messages Telegram accepted, per user id. */
function delivered(fake: FakeTelegram): Map<number, number> {
  const counts = new Map<number, number>();
  for (const call of fake.calls) {
    if (
      call.method === 'sendmessage' &&
      call.outcome === 'ok' &&
      String(call.params['text']).includes(title)
    ) {
      const id = Number(call.params['chat_id']);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('reminder dispatch survives a crash', () => {
  const tmp = useTempDir();

  it.each([100, 500, 900])(
    'a SIGKILL after %d reminders, then a restart: everyone is reminded, at most the one in flight twice',
    async (killAfter) => {
      const fake = await startFakeTelegram();
      try {
        const path = join(tmp(), 'crash.sqlite');
        const ids = await seed(path, fake);
        const env = {
          DATABASE_PATH: path,
          TELEGRAM_BOT_TOKEN: fake.token,
          TELEGRAM_API_ROOT: fake.apiRoot,
          TELEGRAM_RATE: '400',
          REMINDER_BATCH: '50',
          REMINDER_LEASE: '2s',
          LOG_LEVEL: 'silent',
        };
        const sentCount = () => [...delivered(fake).values()].reduce((a, b) => a + b, 0);
        const crashed = await runBot([], env, {
          timeoutMs: 90_000,
          control: (child) => {
            void until(() => sentCount() >= killAfter, 80_000).then(() => child.kill('SIGKILL'));
          },
        });
        expect(crashed.signal).toBe('SIGKILL');
        const atCrash = sentCount();
        expect(atCrash).toBeLessThan(users);
        const restarted = await runBot([], env, {
          timeoutMs: 120_000,
          control: (child) => {
            void until(() => delivered(fake).size === users, 110_000).then(
              () => child.kill('SIGTERM'),
              () => child.kill('SIGTERM'),
            );
          },
        });
        expect(restarted.code).toBe(0);
        const counts = delivered(fake);
        expect(ids.filter((id) => !counts.has(id))).toEqual([]);
        const duplicates = [...counts.values()].reduce((sum, n) => sum + (n - 1), 0);
        expect(duplicates).toBeLessThanOrEqual(1); // one message is in flight at a time
        expect(fake.violations).toEqual([]);
      } finally {
        await fake.close();
      }
    },
    240_000,
  );
});
