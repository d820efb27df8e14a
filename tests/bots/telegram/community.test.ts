import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelegramBot } from '../../../src/bots/telegram/start.js';
import {
  startFakeTelegram,
  type FakeChat,
  type FakeTelegram,
  type FakeUser,
} from '../../fakes/telegram/server.js';
import { createTestApp } from '../../helpers/app.js';
import { useTempDir } from '../../helpers/temp.js';
import { startTestTelegram, talk } from './harness.js';

describe('the community layer on Telegram', () => {
  const tmp = useTempDir();
  let fake: FakeTelegram;
  let app: ReturnType<typeof createTestApp>;
  let bot: TelegramBot;
  let group: FakeChat;
  let admin: FakeUser;

  beforeEach(async () => {
    fake = await startFakeTelegram();
    app = createTestApp(tmp(), { file: 'community.sqlite' });
    bot = await startTestTelegram(fake, app);
    group = fake.group({ id: -100500, title: 'Artists' });
    admin = fake.user({ id: 900, firstName: 'Admin', languageCode: 'en' });
    fake.setChatMemberStatus(group.id, admin.id, 'administrator');
  });
  afterEach(async () => {
    await bot.stop();
    await fake.close();
    app.close();
  });

  /** Sends a command in the group and returns the bot's next message in `chatId`. */
  async function inGroup(from: FakeUser, command: string, chatId = group.id) {
    const start = fake.calls.length;
    fake.sendText(from, command, group);
    const call = await fake.waitFor(
      (c) => c.method === 'sendmessage' && c.outcome === 'ok' && c.params['chat_id'] === chatId,
      5000,
      start,
    );
    const id = (call.response as { result?: { message_id?: number } }).result?.message_id;
    return fake.messages(chatId).find((m) => m.message_id === id)!;
  }

  /** A member follows a panel link: the private chat opens with `/start <payload>`. */
  async function follow(member: FakeUser, url: string) {
    const payload = new URL(url).searchParams.get('start') ?? '';
    return talk(fake, member).say(`/start ${payload}`);
  }

  async function completeFrom(member: FakeUser, url: string) {
    const chat = talk(fake, member);
    let message = await follow(member, url);
    for (let i = 0; i < 4; i += 1) message = await chat.press(message, '✅ Done');
    expect(message.text).toContain('All done');
  }

  it('posts a panel whose links open the guide privately and record the group; stats stay anonymous', async () => {
    const panel = await inGroup(admin, '/optout_panel');
    expect(panel.text).toContain('Protect your art from AI training');
    const link = panel.buttons[0];
    expect(link && 'url' in link && link.url).toMatch(
      /^https:\/\/t\.me\/optout_test_bot\?start=x-grok_[A-Za-z0-9_-]{8}$/,
    );
    const url = (link as { url: string }).url;
    expect(new URL(url).searchParams.get('start')!.length).toBeLessThanOrEqual(64);

    const members = Array.from({ length: 6 }, (_, i) =>
      fake.user({ id: 910 + i, firstName: `M${i}`, languageCode: 'en' }),
    );
    for (const member of members.slice(0, 3)) {
      const opened = await follow(member, url);
      expect(opened.text).toContain('Step 1 of 4');
    }
    expect(
      app.db.prepare("SELECT count(*) AS n FROM progress WHERE origin = 'telegram:-100500'").get(),
    ).toEqual({ n: 3 });

    // Stats go to the admin privately: first without a private chat, then with one.
    const needPrivate = await inGroup(admin, '/optout_stats');
    expect(needPrivate.text).toContain('Open a private chat with me first');
    await talk(fake, admin).say('/start');
    const off = await inGroup(admin, '/optout_stats', admin.id);
    expect(off.text).toContain('Stats are off.');
    await fake.waitFor(
      (c) =>
        c.method === 'sendmessage' && String(c.params['text']).includes('I sent you the stats'),
    );
    // An admin turns them on in the settings.
    const settings = await inGroup(admin, '/optout_settings');
    const turnOn = settings.buttons.find((x) => x.text === 'Turn stats on');
    const from = fake.calls.length;
    fake.press(admin, settings, (turnOn as { callback_data: string }).callback_data);
    await fake.waitFor(
      (c) => c.method === 'editmessagetext' && c.params['chat_id'] === group.id,
      5000,
      from,
    );
    expect(
      fake.messages(group.id).find((m) => m.message_id === settings.message_id)?.text,
    ).toContain('Stats: on');
    expect(app.db.prepare('SELECT stats_on FROM communities').get()).toEqual({ stats_on: 1 });

    for (const member of members.slice(0, 3)) await completeFrom(member, url);
    let stats = await inGroup(admin, '/optout_stats', admin.id);
    expect(stats.text).toContain(
      'X: stop Grok training on your posts: fewer than 5 started, fewer than 5 completed',
    );
    for (const member of members.slice(3)) await completeFrom(member, url);
    stats = await inGroup(admin, '/optout_stats', admin.id);
    expect(stats.text).toContain('6 started, 6 completed');
    expect(stats.text).not.toMatch(/M\d|91\d/); // never a name or an id
    expect(fake.violations).toEqual([]);
  });

  it('answers a settings button once when its edit fails', async () => {
    const settings = await inGroup(admin, '/optout_settings');
    const turnOn = settings.buttons.find((x) => x.text === 'Turn stats on');
    fake.fault('editMessageText', { error_code: 400, description: 'Bad Request: unexpected' });
    const from = fake.calls.length;
    const queryId = fake.press(admin, settings, (turnOn as { callback_data: string }).callback_data)
      .callback_query?.id;
    await fake.waitFor((c) => c.method === 'editmessagetext' && c.outcome === 'fault', 5000, from);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const answers = fake.calls
      .slice(from)
      .filter(
        (c) => c.method === 'answercallbackquery' && c.params['callback_query_id'] === queryId,
      );
    expect(answers.map((c) => c.outcome)).toEqual(['ok']);
    expect(fake.violations).toEqual([]);
  });

  it('refuses admin commands from a member, and posts nothing', async () => {
    const member = fake.user({ id: 920, firstName: 'Member', languageCode: 'en' });
    for (const command of ['/optout_panel', '/optout_stats', '/optout_settings']) {
      const reply = await inGroup(member, command);
      expect(reply.text).toContain("Only this community's admins can do this.");
    }
    expect(fake.messages(group.id).some((m) => m.text.includes('Protect your art'))).toBe(false);
    expect(app.db.prepare('SELECT count(*) AS n FROM communities').get()).toEqual({ n: 0 });
  });

  it('opens the guide list with a note and records no origin for a forged deep link', async () => {
    const panel = await inGroup(admin, '/optout_panel');
    const ref = new URL((panel.buttons[0] as { url: string }).url).searchParams
      .get('start')!
      .split('_')[1]!;
    const member = fake.user({ id: 930, firstName: 'F', languageCode: 'en' });
    for (const payload of [
      `nope_${ref}`,
      `x-grok_${'a'.repeat(60)}`,
      'x-grok_<script>',
      'x-grok_AAAAAAAA',
      `X-GROK_${ref}`,
    ]) {
      const reply = await talk(fake, member).say(`/start ${payload}`);
      expect(reply.text).toContain("I don't know that guide.");
    }
    expect(app.db.prepare('SELECT count(*) AS n FROM progress').get()).toEqual({ n: 0 });
  });

  it("forgets the group settings when the bot is removed, keeping members' progress", async () => {
    const panel = await inGroup(admin, '/optout_panel');
    const member = fake.user({ id: 940, firstName: 'F', languageCode: 'en' });
    await follow(member, (panel.buttons[0] as { url: string }).url);
    fake.inject({
      my_chat_member: {
        chat: { id: group.id, type: 'supergroup', title: 'Artists' },
        from: { id: admin.id, is_bot: false, first_name: 'Admin' },
        date: 1_700_000_000,
        old_chat_member: {
          status: 'member',
          user: { id: fake.botInfo.id, is_bot: true, first_name: 'Bot' },
        },
        new_chat_member: {
          status: 'kicked',
          until_date: 0,
          user: { id: fake.botInfo.id, is_bot: true, first_name: 'Bot' },
        },
      },
    } as never);
    await expect
      .poll(() => app.db.prepare('SELECT count(*) AS n FROM communities').get(), { timeout: 3000 })
      .toEqual({ n: 0 });
    expect(app.db.prepare('SELECT count(*) AS n FROM progress').get()).toEqual({ n: 1 });
  });
});
