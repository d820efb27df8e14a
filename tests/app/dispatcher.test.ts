import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/app/dispatcher.js';
import { createTelegramMessenger } from '../../src/bots/telegram/messenger.js';
import { initialProgress } from '../../src/core/progress.js';
import type { Store } from '../../src/core/ports.js';
import { openDatabase } from '../../src/store/database.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { testLogger } from '../bots/telegram/harness.js';
import { startFakeTelegram, type FakeTelegram } from '../fakes/telegram/server.js';
import { createI18n } from '../../src/app/i18n.js';
import { createLocalizer } from '../../src/app/localize.js';
import { shippedCatalog } from '../helpers/app.js';
import { useTempDir } from '../helpers/temp.js';

const localizer = createLocalizer(createI18n(shippedCatalog), 'words');

describe('the reminder dispatcher', () => {
  const tmp = useTempDir();
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function seed(
    store: Store,
    fake: FakeTelegram,
    count: number,
    dueAt: number,
  ): Promise<void> {
    const guide = shippedCatalog.get('x-grok')!;
    await store.transaction(async (repos) => {
      for (let i = 0; i < count; i += 1) {
        const id = 600_000 + i;
        fake.markStarted(fake.user({ id, firstName: 'U', languageCode: 'en' }));
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
        await repos.reminders.schedule(user.id, 'x-grok', 'recheck', dueAt);
      }
    });
  }

  function dispatcherOn(store: Store, fake: FakeTelegram, owner: string, perSecond = 200) {
    return createDispatcher({
      store,
      catalog: shippedCatalog,
      messengers: [
        createTelegramMessenger({
          token: fake.token,
          apiRoot: fake.apiRoot,
          localizer,
        }),
      ],
      rates: { telegram: { perSecond, perChatMs: 1000 } },
      intervals: { default: 30 * 86_400_000, long: 90 * 86_400_000 },
      log: testLogger(),
      batch: 20,
      leaseMs: 30_000,
      idleMs: 20,
      owner,
    });
  }

  it('never double-sends when two processes dispatch from one database', async () => {
    const fake = await startFakeTelegram();
    cleanup.push(() => fake.close());
    const path = join(tmp(), 'shared.sqlite');
    const a = createSqliteStore(openDatabase(path));
    const b = createSqliteStore(openDatabase(path));
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    await seed(a, fake, 200, Date.now() - 1);
    const first = dispatcherOn(a, fake, 'a');
    const second = dispatcherOn(b, fake, 'b');
    first.start();
    second.start();
    cleanup.push(
      () => first.stop(),
      () => second.stop(),
    );
    const sent = () => fake.calls.filter((c) => c.method === 'sendmessage' && c.outcome === 'ok');
    await expect
      .poll(() => sent().length, { timeout: 15_000, interval: 50 })
      .toBeGreaterThanOrEqual(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const chats = sent().map((c) => c.params['chat_id']);
    expect(chats).toHaveLength(200);
    expect(new Set(chats).size).toBe(200);
  }, 30_000);

  it('keeps within the configured rate, and Telegram never answers 429', async () => {
    const fake = await startFakeTelegram({ limits: { globalPerSecond: 30 } });
    cleanup.push(() => fake.close());
    const store = createSqliteStore(openDatabase(join(tmp(), 'rate.sqlite')));
    cleanup.push(() => store.close());
    await seed(store, fake, 60, Date.now() - 1);
    const dispatcher = dispatcherOn(store, fake, 'rate', 25);
    const started = Date.now();
    dispatcher.start();
    cleanup.push(() => dispatcher.stop());
    await expect
      .poll(
        () => fake.calls.filter((c) => c.method === 'sendmessage' && c.outcome === 'ok').length,
        { timeout: 10_000 },
      )
      .toBe(60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(59 * 40 - 50);
    expect(fake.violations).toEqual([]);
  }, 20_000);

  it('gives back unsent claims when it stops, so another process sends them at once', async () => {
    const fake = await startFakeTelegram();
    cleanup.push(() => fake.close());
    const store = createSqliteStore(openDatabase(join(tmp(), 'stop.sqlite')));
    cleanup.push(() => store.close());
    await seed(store, fake, 30, Date.now() - 1);
    const slow = dispatcherOn(store, fake, 'slow', 10);
    slow.start();
    await expect
      .poll(() => fake.calls.filter((c) => c.method === 'sendmessage').length, { timeout: 5_000 })
      .toBeGreaterThanOrEqual(3);
    await slow.stop();
    const sentBySlow = fake.calls.filter(
      (c) => c.method === 'sendmessage' && c.outcome === 'ok',
    ).length;
    expect(sentBySlow).toBeLessThan(30);
    const stats = await dispatcherOn(store, fake, 'next').runOnce('telegram');
    expect(stats.claimed).toBe(Math.min(20, 30 - sentBySlow));
  }, 20_000);
});
