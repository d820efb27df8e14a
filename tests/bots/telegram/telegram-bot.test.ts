import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelegramBot } from '../../../src/bots/telegram/start.js';
import { startFakeTelegram, type FakeTelegram } from '../../fakes/telegram/server.js';
import { createTestApp } from '../../helpers/app.js';
import { resources, supportedLanguages } from '../../../src/locales/index.js';
import { databaseText, rowsAbout } from '../../helpers/database-text.js';
import { useTempDir } from '../../helpers/temp.js';
import { startTestTelegram, talk } from './harness.js';

describe('the Telegram bot against the fake Bot API', () => {
  const tmp = useTempDir();
  let fake: FakeTelegram;
  let app: ReturnType<typeof createTestApp>;
  let bot: TelegramBot | undefined;

  beforeEach(async () => {
    fake = await startFakeTelegram();
    app = createTestApp(tmp(), { file: 'tg.sqlite' });
    bot = await startTestTelegram(fake, app);
  });

  afterEach(async () => {
    await bot?.stop();
    await fake.close();
    app.close();
  });

  /** Every message the bot sent passed Telegram's limits, and every button press was answered. */
  function assertWellBehaved(): void {
    expect(fake.violations.map((v) => `${v.method}: ${JSON.stringify(v.response)}`)).toEqual([]);
    expect([...fake.callbackAnswers()].filter(([, answered]) => !answered)).toEqual([]);
  }

  it('walks a user through X/Grok by pressing the buttons it sent, then /status shows it done', async () => {
    const ann = fake.user({ id: 501, firstName: 'Ann', languageCode: 'en' });
    const user = talk(fake, ann);
    let message = await user.say('/grok_optout');
    expect(message.text).toContain('X: stop Grok training on your posts');
    expect(message.text).toContain('Step 1 of 4  ⬜ ⬜ ⬜ ⬜');
    expect(message.text).toContain('Grok & Third-party Collaborators');
    expect(message.buttons[0]).toEqual({
      text: 'Open the setting',
      url: 'https://x.com/settings/grok_settings',
    });
    const marks = ['✅ ⬜ ⬜ ⬜', '✅ ✅ ⬜ ⬜', '✅ ✅ ✅ ⬜'];
    for (const [index, expected] of marks.entries()) {
      const next = await user.press(message, '✅ Done');
      expect(next.message_id).toBe(message.message_id); // edited in place
      expect(next.text).toContain(`Step ${index + 2} of 4  ${expected}`);
      message = next;
    }
    message = await user.press(message, '✅ Done');
    expect(message.text).toContain('All done ✅  ✅ ✅ ✅ ✅');
    expect(message.text).toContain("I'll remind you to check in 30 days.");
    expect(message.buttons.map((b) => b.text)).toEqual([
      '🔔 Every 30 days',
      'Every 90 days',
      'No reminders',
      'Start over',
    ]);
    const status = await user.say('/status');
    expect(status.text).toContain('✅ X: stop Grok training on your posts: done');
    assertWellBehaved();
  });

  it('resumes mid-walkthrough after a restart on the same database', async () => {
    const ann = fake.user({ id: 502, firstName: 'Ann', languageCode: 'en' });
    const user = talk(fake, ann);
    let message = await user.say('/grok_optout');
    message = await user.press(message, '✅ Done');
    message = await user.press(message, 'Skip');
    await bot?.stop();
    app.close();
    app = createTestApp(tmp(), { file: 'tg.sqlite' });
    bot = await startTestTelegram(fake, app);
    const resumed = await user.say('/grok_optout');
    expect(resumed.text).toContain('Step 3 of 4  ✅ ⏭️ ⬜ ⬜');
    const pressedOld = await user.press(message, '✅ Done');
    expect(pressedOld.text).toContain('Step 4 of 4  ✅ ⏭️ ✅ ⬜');
    assertWellBehaved();
  });

  it('speaks French to a French user, and /language en switches', async () => {
    const marie = fake.user({ id: 503, firstName: 'Marie', languageCode: 'fr' });
    const user = talk(fake, marie);
    let message = await user.say('/grok_optout');
    expect(message.text).toContain('Étape 1 sur 4');
    expect(message.text).toContain('Grok et collaborateurs tiers');
    message = await user.press(message, "✅ C'est fait");
    expect(message.text).toContain('Étape 2 sur 4');
    const switched = await user.say('/language en');
    expect(switched.text).toContain("Done: I'll speak English with you.");
    expect((await user.say('/grok_optout')).text).toContain('Step 2 of 4');
    const menu = await user.say('/language');
    expect(menu.buttons.map((b) => b.text)).toEqual(
      supportedLanguages.map((l) => resources[l].ui.languageNames[l]),
    );
    expect(menu.buttons.map((b) => b.text)).toEqual(
      expect.arrayContaining(['English', 'Français']),
    );
    const french = await user.press(menu, 'Français');
    expect(french.text).toContain("C'est fait\u00a0: je vous parlerai en français.");
    assertWellBehaved();
  });

  it('hands off from a group to the private chat with a deep link that opens the guide', async () => {
    const ann = fake.user({ id: 504, firstName: 'Ann', languageCode: 'en' });
    const group = fake.group({ id: -100777, title: 'Artists' });
    const from = fake.calls.length;
    fake.sendText(ann, `/grok_optout@${fake.botInfo.username}`, group);
    await fake.waitFor(
      (c) => c.method === 'sendmessage' && c.params['chat_id'] === group.id,
      5000,
      from,
    );
    const handoff = fake.lastMessage(group.id);
    expect(handoff?.text).toContain("Let's do this in a private chat");
    expect(handoff?.buttons).toEqual([
      { text: 'Open the private chat', url: `https://t.me/${fake.botInfo.username}?start=x-grok` },
    ]);
    expect(fake.messages(group.id)).toHaveLength(1); // no walkthrough in the group
    const opened = await talk(fake, ann).say('/start x-grok');
    expect(opened.text).toContain('Step 1 of 4');
    assertWellBehaved();
  });

  it('falls back to the guide list for an unknown or malformed deep link', async () => {
    const user = talk(fake, fake.user({ id: 505, firstName: 'Ann', languageCode: 'en' }));
    for (const payload of ['nope', 'x'.repeat(64), '../../etc']) {
      const reply = await user.say(`/start ${payload}`);
      expect(reply.text).toContain('Opt-out guides');
      expect(reply.text).toContain("I don't know that guide.");
    }
    expect((await user.say('/start')).text).toContain('Hello 👋');
    assertWellBehaved();
  });

  it('answers stale and forged buttons and changes nothing', async () => {
    const ann = fake.user({ id: 506, firstName: 'Ann', languageCode: 'en' });
    const user = talk(fake, ann);
    const first = await user.say('/grok_optout');
    const second = await user.say('/grok_optout');
    const advanced = await user.press(second, '✅ Done');
    expect(advanced.text).toContain('Step 2 of 4');
    const stale = await user.press(first, '✅ Done');
    expect(user.lastToast()).toBe('This button is out of date. Here is where you are now.');
    expect(stale.text).toContain('Step 2 of 4  ✅ ⬜ ⬜ ⬜');
    for (const forged of ['1:s:x-grok:1:3:d', 'garbage', '1:o:../etc', '9:z']) {
      const after = await user.pressData(first, forged, true);
      expect(after.text).toContain('Step 2 of 4  ✅ ⬜ ⬜ ⬜');
    }
    expect((await user.say('/status')).text).toContain('step 2 of 4');
    assertWellBehaved();
  });

  /** The calls answering the callback query `queryId`, and those editing or sending to `chatId`. */
  function answersTo(queryId: string | undefined, chatId: number, from: number) {
    const calls = fake.calls.slice(from);
    return {
      answers: calls.filter(
        (c) => c.method === 'answercallbackquery' && c.params['callback_query_id'] === queryId,
      ),
      screens: calls.filter(
        (c) =>
          ['editmessagetext', 'sendmessage'].includes(c.method) &&
          Number(c.params['chat_id']) === chatId,
      ),
    };
  }

  it('changes the screen without waiting for the callback answer', async () => {
    const ann = fake.user({ id: 520, firstName: 'Ann', languageCode: 'en' });
    const message = await talk(fake, ann).say('/grok_optout');
    const done = message.buttons.find((b) => b.text === '✅ Done');
    if (!done || !('callback_data' in done)) throw new Error('no ✅ Done button');
    // The answer is held back a second (auto-retry waits out the 429): the edit must not wait.
    fake.fault('answerCallbackQuery', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    const from = fake.calls.length;
    const queryId = fake.press(ann, message, done.callback_data).callback_query?.id;
    const answered = await fake.waitFor(
      (c) =>
        c.method === 'answercallbackquery' &&
        c.outcome === 'ok' &&
        c.params['callback_query_id'] === queryId,
      5000,
      from,
    );
    const { answers, screens } = answersTo(queryId, ann.id, from);
    expect(screens.map((c) => [c.method, c.outcome])).toEqual([['editmessagetext', 'ok']]);
    expect(screens[0]!.receivedAt).toBeLessThan(answered.receivedAt - 500);
    expect(answers.map((c) => c.outcome)).toEqual(['fault', 'ok']);
    expect(fake.lastMessage(ann.id)?.text).toContain('Step 2 of 4');
    assertWellBehaved();
  });

  it('answers each update before it polls for the next', async () => {
    const ann = fake.user({ id: 522, firstName: 'Ann', languageCode: 'en' });
    let message = await talk(fake, ann).say('/grok_optout');
    for (let press = 0; press < 3; press += 1) {
      const done = message.buttons.find((b) => b.text === '✅ Done');
      if (!done || !('callback_data' in done)) throw new Error('no ✅ Done button');
      const from = fake.calls.length;
      const updateId = fake.press(ann, message, done.callback_data).update_id;
      const delivered = await fake.waitFor(
        (c) =>
          c.method === 'getupdates' &&
          c.response.ok &&
          (c.response.result as { update_id: number }[]).some((u) => u.update_id === updateId),
        5000,
        from,
      );
      const edit = await fake.waitFor((c) => c.method === 'editmessagetext', 5000, from);
      // The poll that follows is held until its timeout (1 s here), then recorded.
      const nextPoll = await fake.waitFor(
        (c) => c.method === 'getupdates' && c.receivedAt > delivered.answeredAt,
        5000,
        from,
      );
      expect(edit.receivedAt).toBeLessThan(nextPoll.receivedAt);
      message = fake.messages(ann.id).find((m) => m.message_id === message.message_id)!;
    }
    expect(message.text).toContain('Step 4 of 4');
    assertWellBehaved();
  });

  it('answers a press once and says so when the edit fails, and sends anew when the message is gone', async () => {
    const ann = fake.user({ id: 521, firstName: 'Ann', languageCode: 'en' });
    const user = talk(fake, ann);
    const message = await user.say('/grok_optout');
    const done = message.buttons.find((b) => b.text === '✅ Done');
    if (!done || !('callback_data' in done)) throw new Error('no ✅ Done button');

    fake.fault('editMessageText', { error_code: 400, description: 'Bad Request: unexpected' });
    let from = fake.calls.length;
    let queryId = fake.press(ann, message, done.callback_data).callback_query?.id;
    await fake.waitFor(
      (c) => c.method === 'sendmessage' && Number(c.params['chat_id']) === ann.id,
      5000,
      from,
    );
    let calls = answersTo(queryId, ann.id, from);
    expect(calls.answers.map((c) => c.outcome)).toEqual(['ok']);
    expect(calls.screens.map((c) => [c.method, c.outcome])).toEqual([
      ['editmessagetext', 'fault'],
      ['sendmessage', 'ok'],
    ]);
    expect(fake.lastMessage(ann.id)?.text).toBe(
      'Sorry, something went wrong on my side. Please try again in a moment.',
    );

    // The user deleted the message meanwhile: the screen comes as a new message.
    fake.fault('editMessageText', {
      error_code: 400,
      description: 'Bad Request: message to edit not found',
    });
    const next = await user.say('/grok_optout');
    expect(next.text).toContain('Step 2 of 4'); // the failed edit's press was saved
    const again = next.buttons.find((b) => b.text === '✅ Done');
    if (!again || !('callback_data' in again)) throw new Error('no ✅ Done button');
    from = fake.calls.length;
    queryId = fake.press(ann, next, again.callback_data).callback_query?.id;
    await fake.waitFor(
      (c) => c.method === 'sendmessage' && Number(c.params['chat_id']) === ann.id,
      5000,
      from,
    );
    await fake.waitFor(
      (c) => c.method === 'answercallbackquery' && c.params['callback_query_id'] === queryId,
      5000,
      from,
    );
    calls = answersTo(queryId, ann.id, from);
    expect(calls.answers.map((c) => c.outcome)).toEqual(['ok']);
    expect(calls.screens.map((c) => [c.method, c.outcome])).toEqual([
      ['editmessagetext', 'fault'],
      ['sendmessage', 'ok'],
    ]);
    expect(fake.lastMessage(ann.id)?.text).toContain('Step 3 of 4');
    assertWellBehaved();
  });

  it('waits out a 429 and then delivers', async () => {
    const user = talk(fake, fake.user({ id: 507, firstName: 'Ann', languageCode: 'en' }));
    fake.fault('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    const started = Date.now();
    const message = await user.say('/grok_optout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(message.text).toContain('Step 1 of 4');
    assertWellBehaved();
  });

  it('marks a user who blocked the bot unreachable without crashing, and reachable again on return', async () => {
    const ann = fake.user({ id: 508, firstName: 'Ann', languageCode: 'en' });
    const user = talk(fake, ann);
    await user.say('/grok_optout');
    fake.fault('sendMessage', {
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    const from = fake.calls.length;
    fake.sendText(ann, '/status');
    await fake.waitFor((c) => c.method === 'sendmessage' && c.outcome === 'fault', 5000, from);
    await expect
      .poll(() => app.db.prepare('SELECT dm_ok FROM users').get(), { timeout: 3000 })
      .toEqual({ dm_ok: 0 });
    // Other users are still served, and the same user is reachable again when they write.
    expect(
      (await talk(fake, fake.user({ id: 509, firstName: 'Bob' })).say('/grok_optout')).text,
    ).toContain('Step 1');
    await user.say('/status');
    expect(app.db.prepare('SELECT dm_ok FROM users WHERE platform_user_id = ?').get('508')).toEqual(
      { dm_ok: 1 },
    );
    fake.block(ann);
    await expect
      .poll(() => app.db.prepare('SELECT dm_ok FROM users WHERE platform_user_id = ?').get('508'), {
        timeout: 3000,
      })
      .toEqual({ dm_ok: 0 });
    assertWellBehaved();
  });

  it('answers unknown commands and plain text with help', async () => {
    const user = talk(fake, fake.user({ id: 510, firstName: 'Ann', languageCode: 'en' }));
    expect((await user.say('/frobnicate')).text).toContain("I don't know that command.");
    expect((await user.say('hello there')).text).toContain('I work with buttons and commands.');
    expect((await user.say(`/language ${'x'.repeat(3000)}`)).text).toContain(
      'Choose the language I use with you.',
    );
    assertWellBehaved();
  });

  it('exports the stored data as text and a JSON file, then forgets it all after confirmation', async () => {
    const ann = fake.user({
      id: 511,
      firstName: 'Annabelle',
      username: 'annabelle_art',
      languageCode: 'en',
    });
    const user = talk(fake, ann);
    await user.press(await user.say('/grok_optout'), '✅ Done');
    const exported = await user.say('/export');
    expect(exported.text).toContain('Account: telegram user id 511 (no name or username)');
    expect(exported.text).toContain('step 2 of 4, 1 steps done, started by you');
    const document = await fake.waitFor((c) => c.method === 'senddocument');
    expect(JSON.stringify(document.params)).toContain('optout-bot-my-data.json');
    const file = fake.lastMessage(ann.id)?.document;
    expect(file?.file_name).toBe('optout-bot-my-data.json');
    // Names and usernames are never stored.
    expect(databaseText(app.db)).not.toMatch(/Annabelle|annabelle_art/);
    const prompt = await user.say('/forget');
    expect(prompt.text).toContain("It can't be undone.");
    const done = await user.press(prompt, '🗑️ Yes, delete everything');
    expect(done.text).toContain('Done: I deleted everything about you.');
    expect(rowsAbout(app.db, '511')).toBe(0);
    expect((await user.say('/status')).text).toContain("You haven't started a guide yet.");
    assertWellBehaved();
  });

  it('slows down a user who floods it, without affecting others', async () => {
    await bot?.stop();
    bot = await startTestTelegram(fake, app, undefined, {
      limit: 3,
      windowMs: 10_000,
      quietMs: 10_000,
      now: Date.now,
    });
    const ann = fake.user({ id: 512, firstName: 'Ann', languageCode: 'en' });
    const from = fake.calls.length;
    for (let i = 0; i < 8; i += 1) fake.sendText(ann, '/status');
    const bob = talk(fake, fake.user({ id: 513, firstName: 'Bob', languageCode: 'en' }));
    expect((await bob.say('/status')).text).toContain('Your progress');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const toAnn = fake.calls
      .slice(from)
      .filter((c) => c.method === 'sendmessage' && c.params['chat_id'] === ann.id);
    expect(toAnn.map((c) => String(c.params['text']).includes('going a bit fast'))).toEqual([
      false,
      false,
      false,
      true,
    ]);
    assertWellBehaved();
  });

  it('publishes the command menus per language, and only when they changed', async () => {
    expect(fake.commands('all_private_chats', 'fr').map((c) => c.command)).toEqual([
      'grok_optout',
      'guides',
      'status',
      'language',
      'export',
      'forget',
      'help',
    ]);
    expect(fake.commands('all_private_chats', 'fr')[0]?.description).toBe(
      "Empêcher X d'entraîner Grok avec vos posts",
    );
    expect(fake.commands('all_group_chats', '').map((c) => c.command)).toEqual([
      'grok_optout',
      'help',
    ]);
    const before = fake.calls.filter((c) => c.method === 'setmycommands').length;
    // 3 scopes (private, groups, group admins) × (the default list, then each language).
    expect(before).toBe(3 * (1 + supportedLanguages.length));
    await bot?.stop();
    bot = await startTestTelegram(fake, app);
    expect(fake.calls.filter((c) => c.method === 'setmycommands').length).toBe(before);
  });

  it('stops with a clear error when another instance polls the same token', async () => {
    const second = await startTestTelegram(fake, createTestApp(tmp(), { file: 'other.sqlite' }));
    const outcomes = await Promise.race([
      bot!.stopped.then(
        () => 'first stopped',
        (e: Error) => e.message,
      ),
      second.stopped.then(
        () => 'second stopped',
        (e: Error) => e.message,
      ),
    ]);
    await second.stop();
    expect(outcomes).toContain(
      'another instance of this bot is already running with the same token',
    );
  });
});
