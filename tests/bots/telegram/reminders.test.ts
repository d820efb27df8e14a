import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatcher } from '../../../src/app/dispatcher.js';
import { createTelegramMessenger } from '../../../src/bots/telegram/messenger.js';
import type { TelegramBot } from '../../../src/bots/telegram/start.js';
import {
  startFakeTelegram,
  type FakeTelegram,
  type FakeUser,
} from '../../fakes/telegram/server.js';
import { createTestApp } from '../../helpers/app.js';
import { useTempDir } from '../../helpers/temp.js';
import { startTestTelegram, talk, testLogger } from './harness.js';

const reminderTitle = 'Time for a quick check';

describe('re-check reminders on Telegram', () => {
  const tmp = useTempDir();
  let fake: FakeTelegram;
  let app: ReturnType<typeof createTestApp>;
  let bot: TelegramBot;
  let dispatcher: Dispatcher;

  function startDispatcher(perSecond = 50): Dispatcher {
    const created = createDispatcher({
      store: app.store,
      catalog: app.catalog,
      messengers: [
        createTelegramMessenger({
          token: fake.token,
          apiRoot: fake.apiRoot,
          localizer: app.localizer,
        }),
      ],
      rates: { telegram: { perSecond, perChatMs: 1000 } },
      intervals: app.intervals,
      log: testLogger(),
      batch: 25,
      leaseMs: 10_000,
      idleMs: 50,
    });
    created.start();
    return created;
  }

  beforeEach(async () => {
    fake = await startFakeTelegram();
    app = createTestApp(tmp(), { file: 'reminders.sqlite', now: Date.now, intervalMs: 2_000 });
    bot = await startTestTelegram(fake, app);
    dispatcher = startDispatcher();
  });

  afterEach(async () => {
    await dispatcher.stop();
    await bot.stop();
    await fake.close();
    app.close();
  });

  /** Sends of reminder messages to a user so far. */
  const remindersTo = (user: FakeUser) =>
    fake.calls.filter(
      (c) =>
        c.method === 'sendmessage' &&
        c.params['chat_id'] === user.id &&
        String(c.params['text']).includes(reminderTitle),
    );

  async function complete(user: FakeUser) {
    const chat = talk(fake, user);
    let message = await chat.say('/grok_optout');
    for (let i = 0; i < 4; i += 1) message = await chat.press(message, '✅ Done');
    expect(message.text).toContain('in 2 seconds');
    return chat;
  }

  async function nextReminder(user: FakeUser, count: number) {
    await expect
      .poll(() => remindersTo(user).length, { timeout: 6_000, interval: 50 })
      .toBeGreaterThanOrEqual(count);
    const call = remindersTo(user)[count - 1];
    const id = (call?.response as { result?: { message_id?: number } }).result?.message_id;
    const message = fake.messages(user.id).find((m) => m.message_id === id);
    if (!message) throw new Error('reminder message not found');
    return message;
  }

  it('reminds after the interval, and each answer does what it says', async () => {
    const ann = fake.user({ id: 801, firstName: 'Ann', languageCode: 'en' });
    const chat = await complete(ann);
    let reminder = await nextReminder(ann, 1);
    expect(reminder.text).toContain('check it is still the way you left it');
    expect(reminder.buttons.map((b) => b.text)).toEqual([
      'Open the setting',
      '✅ Still as I left it',
      'It was on again',
      'Snooze a week',
      'Stop reminders',
    ]);

    const thanks = await chat.press(reminder, '✅ Still as I left it');
    expect(thanks.text).toContain("Thanks! You're still protected.");
    reminder = await nextReminder(ann, 2); // rescheduled: it comes again after the interval

    const reopened = await chat.press(reminder, 'It was on again');
    expect(reopened.text).toContain('Step 2 of 4  ✅ ⬜ ⬜ ⬜');
    let message = reopened;
    for (let i = 0; i < 3; i += 1) message = await chat.press(message, '✅ Done');
    reminder = await nextReminder(ann, 3);

    const afterSnooze = await chat.press(reminder, 'Snooze a week');
    const snoozed = app.db.prepare('SELECT due_at FROM reminders').get() as { due_at: number };
    expect(snoozed.due_at - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    // Choosing the regular cadence again brings the next reminder back to the interval.
    await chat.press(afterSnooze, '🔔 Every 2 seconds');
    reminder = await nextReminder(ann, 4);
    const stopped = await chat.press(reminder, 'Stop reminders');
    expect(stopped.text).toContain('You chose no reminders.');
    expect(app.db.prepare('SELECT count(*) AS n FROM reminders').get()).toEqual({ n: 0 });
    expect(app.db.prepare('SELECT cadence FROM users').get()).toEqual({ cadence: 'never' });
    expect(fake.violations).toEqual([]);
  });

  it('pauses a user who blocked the bot, and resumes when they come back', async () => {
    const ann = fake.user({ id: 802, firstName: 'Ann', languageCode: 'en' });
    await complete(ann);
    fake.block(ann);
    await expect
      .poll(() => app.db.prepare('SELECT paused FROM reminders').get(), { timeout: 6_000 })
      .toEqual({ paused: 1 });
    const attempts = fake.calls.filter(
      (c) => c.method === 'sendmessage' && c.params['chat_id'] === ann.id,
    ).length;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(
      fake.calls.filter((c) => c.method === 'sendmessage' && c.params['chat_id'] === ann.id).length,
    ).toBe(attempts);
    fake.unblock(ann);
    await talk(fake, ann).say('/start');
    const reminder = await nextReminder(ann, 1);
    expect(reminder.text).toContain(reminderTitle);
  });

  it('delivers every reminder through 429s and 5xx, sending nothing during a retry_after window', async () => {
    await dispatcher.stop();
    const users = Array.from({ length: 40 }, (_, i) =>
      fake.user({ id: 900 + i, firstName: `U${i}`, languageCode: 'fr' }),
    );
    await app.store.transaction(async (repos) => {
      for (const u of users) {
        fake.markStarted(u);
        const user = await repos.users.touch(
          { platform: 'telegram', platformUserId: String(u.id) },
          0,
          'fr',
        );
        await repos.progress.put({
          userId: user.id,
          guideId: 'x-grok',
          state: {
            format: 1,
            guideId: 'x-grok',
            guideVersion: 1,
            status: 'completed',
            cursor: 3,
            steps: {},
            completedVersion: 1,
            completedAt: 0,
            startedAt: 0,
            updatedAt: 0,
          },
          status: 'completed',
          guideVersion: 1,
          origin: null,
          updatedAt: 0,
        });
        await repos.reminders.schedule(user.id, 'x-grok', 'recheck', Date.now());
      }
    });
    // Of every ten sends, the third is refused with a 429 and the seventh with a 502; a chat is
    // refused once at most, so that no reminder backs off twice (which would outlast the test)
    // whatever the order of the sends within a claim.
    let n = 0;
    const refused = new Set<unknown>();
    fake.faultWhen('sendMessage', (params) => {
      if (refused.has(params['chat_id'])) return undefined;
      n += 1;
      if (n % 10 === 3 || n % 10 === 7) refused.add(params['chat_id']);
      if (n % 10 === 3)
        return {
          error_code: 429,
          description: 'Too Many Requests: retry after 1',
          parameters: { retry_after: 1 },
        };
      if (n % 10 === 7) return { error_code: 502, description: 'Bad Gateway' };
      return undefined;
    });
    dispatcher = createDispatcher({
      store: app.store,
      catalog: app.catalog,
      messengers: [
        createTelegramMessenger({
          token: fake.token,
          apiRoot: fake.apiRoot,
          localizer: app.localizer,
        }),
      ],
      rates: { telegram: { perSecond: 50, perChatMs: 1000 } },
      intervals: app.intervals,
      log: testLogger(),
      batch: 25,
      leaseMs: 10_000,
      idleMs: 50,
      random: () => 0, // shortest jittered retry, to keep the test quick
    });
    dispatcher.start();
    await expect
      .poll(
        () =>
          users.filter((u) =>
            fake.calls.some(
              (c) =>
                c.method === 'sendmessage' && c.outcome === 'ok' && c.params['chat_id'] === u.id,
            ),
          ).length,
        { timeout: 20_000, interval: 100 },
      )
      .toBe(users.length);
    const sends = fake.calls.filter((c) => c.method === 'sendmessage');
    const windows = sends
      .filter(
        (c) => c.outcome === 'fault' && (c.response as { error_code?: number }).error_code === 429,
      )
      .map((c) => c.at);
    expect(windows.length).toBeGreaterThan(0);
    for (const start of windows) {
      expect(sends.filter((c) => c.at > start && c.at < start + 1_000)).toEqual([]);
    }
    expect(sends.some((c) => (c.response as { error_code?: number }).error_code === 502)).toBe(
      true,
    );
    expect(fake.violations).toEqual([]);
    const french = fake.lastMessage(users[0]!.id);
    expect(french?.text).toContain('Petite vérification');
  }, 30_000);
});
