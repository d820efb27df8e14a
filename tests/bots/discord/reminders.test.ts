import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatcher } from '../../../src/app/dispatcher.js';
import type { DiscordBot } from '../../../src/bots/discord/discord-bot.js';
import { createDiscordMessenger, createReminderRest } from '../../../src/bots/discord/messenger.js';
import {
  startFakeDiscord,
  type FakeDiscord,
  type FakeMessage,
  type FakeUserSpec,
} from '../../fakes/discord/index.js';
import { createTestApp } from '../../helpers/app.js';
import { useTempDir } from '../../helpers/temp.js';
import { testLogger } from '../telegram/harness.js';
import {
  buttonsOf,
  discordLocalizer,
  discordUser,
  guilds,
  misbehaviour,
  startTestDiscord,
  textOf,
} from './harness.js';

const reminderTitle = 'Time for a quick check';

describe('re-check reminders on Discord', () => {
  const tmp = useTempDir();
  let fake: FakeDiscord;
  let app: ReturnType<typeof createTestApp>;
  let bot: DiscordBot;
  let dispatcher: Dispatcher;
  let count = 0;

  beforeEach(async () => {
    fake = await startFakeDiscord({ guilds, token: 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.discord-token' });
    app = createTestApp(tmp(), { file: 'dc-reminders.sqlite', now: Date.now, intervalMs: 2_000 });
    bot = await startTestDiscord(fake, app);
    dispatcher = createDispatcher({
      store: app.store,
      catalog: app.catalog,
      messengers: [createDiscordMessenger({ rest: bot.client.rest, localizer: discordLocalizer })],
      rates: { discord: { perSecond: 40, perChatMs: 1000 } },
      intervals: app.intervals,
      log: testLogger(),
      batch: 25,
      leaseMs: 10_000,
      idleMs: 50,
    });
    dispatcher.start();
  });

  afterEach(async () => {
    await dispatcher.stop();
    await bot.stop();
    await fake.close();
    app.close();
  });

  function person(spec: Partial<FakeUserSpec> = {}) {
    count += 1;
    return discordUser(
      fake,
      fake.user({ id: `7000000000000000${10 + count}`, username: `artist${count}`, ...spec }),
    );
  }

  /** Every request passed Discord's rules; every interaction was acknowledged once, in 3 s. */
  function assertWellBehaved(): void {
    expect(misbehaviour(fake)).toEqual({ violations: [], acks: [] });
  }

  /** Messages the bot posted in the user's DM by REST (only reminders here), with the outcome. */
  const reminderPosts = (who: ReturnType<typeof person>) =>
    fake.calls.filter(
      (c) => c.method === 'POST' && c.path === `/channels/${fake.dmChannelOf(who.user)}/messages`,
    );

  /** Completes X/Grok from the bot's DM (so every later message the bot posts is a reminder). */
  async function complete(who: ReturnType<typeof person>): Promise<FakeMessage | undefined> {
    let { response: message } = await who.slash('grok-optout', [], { dm: true });
    for (let i = 0; i < 4; i += 1) message = (await who.click(message, '✅ Done')).message;
    expect(textOf(message)).toMatch(/<t:\d+:R>/);
    return message;
  }

  async function nextReminder(
    who: ReturnType<typeof person>,
    n: number,
    timeout = 6_000,
  ): Promise<FakeMessage> {
    await expect
      .poll(() => reminderPosts(who).filter((c) => c.status < 300).length, {
        timeout,
        interval: 50,
      })
      .toBeGreaterThanOrEqual(n);
    const call = reminderPosts(who).filter((c) => c.status < 300)[n - 1];
    const id = (call?.response as { id?: string } | undefined)?.id ?? '';
    const message = fake.message(id);
    if (!message) throw new Error('reminder message not found');
    return message;
  }

  it('reminds in DM after the interval, with a <t:…:R> date, and each answer does what it says', async () => {
    const ann = person();
    await complete(ann);
    let reminder = await nextReminder(ann, 1);
    expect(textOf(reminder)).toContain(reminderTitle);
    expect(buttonsOf(reminder).map((b) => b.label)).toEqual([
      'Open the setting',
      '✅ Still as I left it',
      'It was on again',
      'Snooze a week',
      'Stop reminders',
    ]);
    expect(textOf(reminder)).toMatch(/<t:\d+:R>/);

    const thanks = (await ann.click(reminder, '✅ Still as I left it')).message;
    expect(thanks?.id).toBe(reminder.id); // the reminder itself is updated
    expect(textOf(thanks)).toContain("Thanks! You're still protected.");
    expect(textOf(thanks)).toMatch(/<t:\d+:R>/);
    reminder = await nextReminder(ann, 2); // rescheduled: it comes again after the interval

    const reopened = (await ann.click(reminder, 'It was on again')).message;
    expect(textOf(reopened)).toContain('Step 2 of 4  ✅ ⬜ ⬜ ⬜');
    let message = reopened;
    for (let i = 0; i < 3; i += 1) message = (await ann.click(message, '✅ Done')).message;
    reminder = await nextReminder(ann, 3);

    const afterSnooze = (await ann.click(reminder, 'Snooze a week')).message;
    const snoozed = app.db.prepare('SELECT due_at FROM reminders').get() as { due_at: number };
    expect(snoozed.due_at - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const unix = /<t:(\d+):R>/.exec(textOf(afterSnooze))?.[1];
    expect(Number(unix) * 1000 - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    // Choosing the regular cadence again brings the next reminder back to the interval.
    await ann.click(afterSnooze, '🔔 Every 2 seconds');
    reminder = await nextReminder(ann, 4);
    const stopped = (await ann.click(reminder, 'Stop reminders')).message;
    expect(textOf(stopped)).toContain('You chose no reminders.');
    expect(app.db.prepare('SELECT count(*) AS n FROM reminders').get()).toEqual({ n: 0 });
    expect(app.db.prepare('SELECT cadence FROM users').get()).toEqual({ cadence: 'never' });
    assertWellBehaved();
  }, 30_000);

  it('pauses a user whose DMs are closed (50007), tries no more, and resumes when they talk in DM', async () => {
    const bob = person();
    await complete(bob);
    bob.user.dmsClosed = true;
    await expect
      .poll(() => app.db.prepare('SELECT paused FROM reminders').get(), { timeout: 6_000 })
      .toEqual({ paused: 1 });
    expect(app.db.prepare('SELECT dm_ok FROM users').get()).toEqual({ dm_ok: 0 });
    expect(reminderPosts(bob).map((c) => c.status)).toEqual([403]);
    const attempts = reminderPosts(bob).length;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(reminderPosts(bob)).toHaveLength(attempts);

    bob.user.dmsClosed = false;
    await bob.slash('optout', [{ name: 'status' }], { dm: true });
    expect(app.db.prepare('SELECT dm_ok FROM users').get()).toEqual({ dm_ok: 1 });
    // A paused reminder keeps its due time (passed): it is sent again as soon as it resumes.
    const reminder = await nextReminder(bob, 1, 12_000);
    expect(textOf(reminder)).toContain(reminderTitle);
    assertWellBehaved();
  }, 30_000);

  it('gives a 429 back to the dispatcher, which sends nothing more until retry_after, then delivers', async () => {
    await dispatcher.stop();
    const rest = createReminderRest({ apiUrl: fake.apiUrl, token: fake.token });
    const messenger = createDiscordMessenger({ rest, localizer: discordLocalizer });
    const cat = person();
    await complete(cat);
    fake.rateLimit({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, 1.5);
    let outcomes: string[] = [];
    dispatcher = createDispatcher({
      store: app.store,
      catalog: app.catalog,
      messengers: [
        {
          platform: 'discord',
          deliver: async (userId, message) => {
            const outcome = await messenger.deliver(userId, message);
            outcomes = [...outcomes, outcome.type];
            return outcome;
          },
        },
      ],
      rates: { discord: { perSecond: 40, perChatMs: 1000 } },
      intervals: app.intervals,
      log: testLogger(),
      batch: 25,
      leaseMs: 10_000,
      idleMs: 50,
    });
    dispatcher.start();
    const reminder = await nextReminder(cat, 1, 10_000);
    expect(textOf(reminder)).toContain(reminderTitle);
    expect(outcomes[0]).toBe('rateLimited');
    const posts = reminderPosts(cat);
    const limited = posts.find((c) => c.status === 429);
    expect(limited).toBeDefined();
    // Nothing was sent during the window the 429 announced.
    const during = posts.filter((c) => c !== limited && c.at < (limited?.at ?? 0) + 1_500);
    expect(during).toEqual([]);
    assertWellBehaved();
  }, 30_000);
});
