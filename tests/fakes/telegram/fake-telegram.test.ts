import { autoRetry } from '@grammyjs/auto-retry';
import { run } from '@grammyjs/runner';
import { Bot, GrammyError, InlineKeyboard, InputFile } from 'grammy';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  parseTelegramHtml,
  startFakeTelegram,
  type FakeTelegram,
  type FakeUser,
} from './server.js';

let fake: FakeTelegram;
let bots: Bot[] = [];

beforeEach(async () => {
  fake = await startFakeTelegram();
});

afterEach(async () => {
  for (const bot of bots) if (bot.isRunning()) await bot.stop();
  bots = [];
  await fake.close();
});

function makeBot(token = fake.token, target: FakeTelegram = fake): Bot {
  const bot = new Bot(token, { botInfo: target.botInfo, client: { apiRoot: target.apiRoot } });
  bots.push(bot);
  return bot;
}

/** Starts long polling with a 1 s timeout; resolves once setup is done (or start failed). */
async function startPolling(bot: Bot): Promise<{ running: Promise<void> }> {
  let ready: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const running = bot.start({ timeout: 1, onStart: () => ready() });
  await Promise.race([started, running]);
  return { running };
}

async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The GrammyError a call fails with (fails the test if it succeeds). */
async function apiError(call: Promise<unknown>): Promise<GrammyError> {
  const error = await call.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof GrammyError)) throw error;
  return error;
}

/** A user who has written to the bot, so it may message them. */
function startedUser(id = 42, languageCode = 'de'): FakeUser {
  const user = fake.user({ id, firstName: 'Ann', languageCode });
  fake.sendText(user, '/start');
  return user;
}

async function rawCall(path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${fake.apiRoot}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

describe('long polling with a real grammY bot', () => {
  it('delivers injected updates and never redelivers confirmed ones after a restart', async () => {
    const ann = fake.user({ id: 42, firstName: 'Ann', languageCode: 'de' });
    const seen: string[] = [];
    const languages: (string | undefined)[] = [];
    const handle = (bot: Bot) =>
      bot.on('message:text', (ctx) => {
        seen.push(ctx.message.text);
        languages.push(ctx.from.language_code);
      });

    const first = makeBot();
    handle(first);
    const run1 = await startPolling(first);
    fake.sendText(ann, 'first');
    await waitUntil(() => seen.length === 1);
    await first.stop();
    await run1.running;

    const second = makeBot();
    handle(second);
    const run2 = await startPolling(second);
    fake.sendText(ann, 'second');
    await waitUntil(() => seen.length === 2);
    await fake.waitForPoll();
    expect(seen).toEqual(['first', 'second']);
    expect(languages).toEqual(['de', 'de']);
    await second.stop();
    await run2.running;
    const polls = fake.calls.filter((c) => c.method === 'getupdates');
    expect(polls.at(-1)?.params).toMatchObject({ limit: 1 });
    expect(fake.violations).toEqual([]);
  });

  it('holds a poll until its timeout, or answers at once when an update arrives', async () => {
    const t0 = Date.now();
    const idle = await rawCall(`/bot${fake.token}/getUpdates`, { timeout: 1 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(idle.json).toEqual({ ok: true, result: [] });

    const ann = fake.user({ id: 42, firstName: 'Ann' });
    const t1 = Date.now();
    const held = rawCall(`/bot${fake.token}/getUpdates`, { timeout: 5 });
    await fake.waitForPoll();
    const update = fake.sendText(ann, 'wake up');
    const woken = await held;
    expect(Date.now() - t1).toBeLessThan(1000);
    expect(woken.json).toMatchObject({ ok: true, result: [{ update_id: update.update_id }] });

    const confirmed = await rawCall(`/bot${fake.token}/getUpdates`, {
      offset: update.update_id + 1,
    });
    expect(confirmed.json).toEqual({ ok: true, result: [] });
  });

  it('ends the older of two concurrent pollers with 409, which stops its bot.start()', async () => {
    const a = makeBot();
    const runA = await startPolling(a);
    await fake.waitForPoll();
    const b = makeBot();
    await startPolling(b);
    const error = await apiError(runA.running);
    expect(error.error_code).toBe(409);
    expect(error.description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    await fake.waitForPoll();
    expect(b.isRunning()).toBe(true);
  });

  it('works with @grammyjs/runner', async () => {
    const ann = fake.user({ id: 42, firstName: 'Ann' });
    const bot = makeBot();
    bot.command('start', (ctx) => ctx.reply(`hello ${ctx.match}`));
    const runner = run(bot, { runner: { fetch: { timeout: 1 } } });
    try {
      fake.sendText(ann, '/start ref_abc');
      const reply = await fake.waitFor((c) => c.method === 'sendmessage');
      expect(reply.outcome).toBe('ok');
      expect(fake.lastMessage(42)?.text).toBe('hello ref_abc');
    } finally {
      await runner.stop();
    }
  });

  it('refuses getUpdates while a webhook is set, and drops pending updates on request', async () => {
    const bot = makeBot();
    const ann = fake.user({ id: 42, firstName: 'Ann' });
    await bot.api.setWebhook('https://example.com/hook', { secret_token: 'abc_DEF-1' });
    expect((await bot.api.getWebhookInfo()).url).toBe('https://example.com/hook');
    const conflict = await apiError(bot.api.getUpdates());
    expect(conflict.error_code).toBe(409);
    expect(conflict.description).toContain("can't use getUpdates method while webhook is active");

    fake.sendText(ann, 'queued');
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(1);
    await bot.api.deleteWebhook({ drop_pending_updates: true });
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
  });
});

describe('messages, keyboards and callback queries', () => {
  it('round-trips an inline keyboard: reply, press, answer and edit', async () => {
    const ann = fake.user({ id: 42, firstName: 'Ann', languageCode: 'fr' });
    const bot = makeBot();
    bot.command('start', (ctx) =>
      ctx.reply('<b>Step 1</b> &amp; more', {
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard().text('Done', 'step:done').text('Skip', 'step:skip'),
      }),
    );
    bot.callbackQuery('step:done', async (ctx) => {
      await ctx.answerCallbackQuery();
      await ctx.editMessageText('Finished');
    });
    bot.on('callback_query:data', (ctx) => ctx.answerCallbackQuery({ text: 'Outdated button' }));
    const polling = await startPolling(bot);

    fake.sendText(ann, '/start');
    await fake.waitFor((c) => c.method === 'sendmessage');
    const shown = fake.lastMessage(42);
    expect(shown).toMatchObject({ text: 'Step 1 & more', html: '<b>Step 1</b> &amp; more' });
    expect(shown?.entities).toEqual([{ type: 'bold', offset: 0, length: 6 }]);
    expect(shown?.buttons.map((b) => b.text)).toEqual(['Done', 'Skip']);
    if (shown === undefined) throw new Error('no message');

    const press = fake.press(ann, shown, 'step:done');
    await fake.waitFor((c) => c.method === 'editmessagetext');
    expect(press.callback_query?.message).toMatchObject({ message_id: shown.message_id });
    expect(fake.callbackAnswers().get(press.callback_query?.id ?? '')).toBe(true);
    const edited = fake.lastMessage(42);
    expect(edited).toMatchObject({ text: 'Finished', message_id: shown.message_id });
    expect(edited?.reply_markup).toBeUndefined();
    expect(edited?.edit_date).toBeTypeOf('number');

    expect(() => fake.press(ann, shown, 'step:skip')).toThrow(/no button with callback_data/);
    const forged = fake.press(ann, shown, 'step:skip', { forge: true });
    await fake.waitFor((c) => c.method === 'answercallbackquery' && c.params.text !== undefined);
    expect(fake.callbackAnswers().get(forged.callback_query?.id ?? '')).toBe(true);
    expect(fake.violations).toEqual([]);
    await bot.stop();
    await polling.running;
  });

  it('gives commands a bot_command entity, also /cmd@bot in groups', async () => {
    const ann = fake.user({ id: 42, firstName: 'Ann' });
    const group = fake.group({ id: -1001, title: 'Artists' });
    const bot = makeBot();
    const matches: string[] = [];
    bot.command('optout', (ctx) => {
      matches.push(`${ctx.chat.type}:${ctx.match}`);
    });
    const polling = await startPolling(bot);
    const update = fake.sendText(ann, '/optout@optout_test_bot now', group);
    fake.sendText(ann, '/optout@someone_else_bot later', group);
    fake.sendText(ann, '/optout here');
    await waitUntil(() => matches.length === 2);
    await fake.waitForPoll();
    expect(update.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 23 }]);
    expect(update.message?.chat).toEqual({ id: -1001, type: 'group', title: 'Artists' });
    expect(matches).toEqual(['group:now', 'private:here']);
    await bot.stop();
    await polling.running;
  });

  it('refuses bad HTML, oversize text and 65-byte callback_data, recording violations', async () => {
    startedUser();
    const bot = makeBot();
    const html = (text: string) => apiError(bot.api.sendMessage(42, text, { parse_mode: 'HTML' }));
    const prefix = "Bad Request: can't parse entities: ";

    expect((await html('<b>bold')).description).toBe(
      `${prefix}Can't find end tag corresponding to start tag "b"`,
    );
    expect((await html('<div>x</div>')).description).toBe(
      `${prefix}Unsupported start tag "div" at byte offset 0`,
    );
    expect((await html('1 < 2')).description).toBe(
      `${prefix}Unsupported start tag "" at byte offset 2`,
    );
    expect((await html('<b>x</i>')).description).toBe(
      `${prefix}Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`,
    );
    expect((await html('Tom & Jerry')).description).toMatch(
      /^Bad Request: can't parse entities: .*byte offset 4$/,
    );

    const tooLong = await apiError(bot.api.sendMessage(42, 'a'.repeat(4097)));
    expect(tooLong.description).toBe('Bad Request: message is too long');
    await bot.api.sendMessage(42, `<b>${'a'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    await bot.api.sendMessage(42, '&lt;'.repeat(4096), { parse_mode: 'HTML' });
    expect((await apiError(bot.api.sendMessage(42, ' '))).description).toBe(
      'Bad Request: message text is empty',
    );

    const keyboard = (data: string) => ({ reply_markup: new InlineKeyboard().text('Go', data) });
    await bot.api.sendMessage(42, 'ok', keyboard('a'.repeat(64)));
    const data = await apiError(bot.api.sendMessage(42, 'x', keyboard('é'.repeat(32) + 'a')));
    expect(data.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    const url = await apiError(
      bot.api.sendMessage(42, 'x', { reply_markup: new InlineKeyboard().url('Go', 'ftp://x') }),
    );
    expect(url.description).toBe('Bad Request: BUTTON_URL_INVALID');

    expect(fake.violations.map((v) => v.method)).toEqual(Array(9).fill('sendmessage'));
    expect(fake.messages(42).map((m) => m.text.length)).toEqual([4096, 4096, 2]);
  });

  it('refuses double or oversized callback answers, 101 buttons, and impossible presses', async () => {
    const ann = startedUser();
    const bob = fake.user({ id: 43, firstName: 'Bob' });
    const bot = makeBot();
    const keyboard = new InlineKeyboard().text('A', 'a');
    const sent = await bot.api.sendMessage(42, 'Pick', { reply_markup: keyboard });
    const target = { chat_id: 42, message_id: sent.message_id };
    expect(() => fake.press(bob, target, 'a')).toThrow(/another user's private chat/);
    expect(() => fake.press(ann, { chat_id: 42, message_id: 999 }, 'a')).toThrow(/does not exist/);

    const id = fake.press(ann, target, 'a').callback_query?.id ?? '';
    expect(fake.callbackAnswers().get(id)).toBe(false);
    const long = await apiError(bot.api.answerCallbackQuery(id, { text: 'x'.repeat(201) }));
    expect(long.description).toBe('Bad Request: MESSAGE_TOO_LONG');
    await bot.api.answerCallbackQuery(id, { text: 'x'.repeat(200) });
    const again = await apiError(bot.api.answerCallbackQuery(id));
    expect(again.description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );

    const many = new InlineKeyboard();
    for (let i = 0; i < 101; i += 1) many.text(`${i}`, `n:${i}`).row();
    const tooMany = await apiError(bot.api.sendMessage(42, 'x', { reply_markup: many }));
    expect(tooMany.description).toBe('Bad Request: reply markup is too long');
    expect(fake.violations).toHaveLength(3);
  });

  it('answers not-modified and edit-not-found as refusals, not violations', async () => {
    startedUser();
    const bot = makeBot();
    const keyboard = new InlineKeyboard().text('A', 'a');
    const sent = await bot.api.sendMessage(42, 'Same', { reply_markup: keyboard });
    expect(sent).toMatchObject({ chat: { id: 42, type: 'private' }, from: { is_bot: true } });

    const same = await apiError(
      bot.api.editMessageText(42, sent.message_id, 'Same', { reply_markup: keyboard }),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified: specified new/);
    const missing = await apiError(bot.api.editMessageText(42, 9999, 'Other'));
    expect(missing.description).toBe('Bad Request: message to edit not found');

    const edited = await bot.api.editMessageReplyMarkup(42, sent.message_id, {
      reply_markup: new InlineKeyboard().text('B', 'b'),
    });
    expect(edited).toMatchObject({ edit_date: expect.any(Number) as number });
    await bot.api.editMessageText(42, sent.message_id, 'Same'); // no markup: keyboard removed
    expect(fake.lastMessage(42)?.buttons).toEqual([]);
    expect(await bot.api.deleteMessage(42, sent.message_id)).toBe(true);
    expect(fake.messages(42)).toEqual([]);
    expect(fake.calls.filter((c) => c.outcome === 'refused')).toHaveLength(2);
    expect(fake.violations).toEqual([]);
  });

  it('answers 403 to users who never started or blocked the bot', async () => {
    const bot = makeBot();
    const bob = fake.user({ id: 43, firstName: 'Bob' });
    const never = await apiError(bot.api.sendMessage(43, 'hi'));
    expect([never.error_code, never.description]).toEqual([
      403,
      "Forbidden: bot can't initiate conversation with a user",
    ]);

    fake.sendText(bob, 'hello');
    const sent = await bot.api.sendMessage(43, 'hi');
    fake.block(bob);
    expect(() => fake.sendText(bob, 'again')).toThrow(/blocked the bot/);
    for (const call of [
      bot.api.sendMessage(43, 'hi'),
      bot.api.editMessageText(43, sent.message_id, 'edited'),
    ]) {
      const blocked = await apiError(call);
      expect([blocked.error_code, blocked.description]).toEqual([
        403,
        'Forbidden: bot was blocked by the user',
      ]);
    }
    fake.unblock(bob);
    await bot.api.sendMessage(43, 'welcome back');
    expect(fake.violations).toEqual([]);

    const unknown = await apiError(bot.api.sendMessage(999, 'hi'));
    expect(unknown.description).toBe('Bad Request: chat not found');
    expect(fake.violations).toHaveLength(1);
  });

  it('lets auto-retry recover from an injected 429 after retry_after', async () => {
    startedUser();
    const bot = makeBot();
    bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 5 }));
    fake.fault('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    const t0 = Date.now();
    await bot.api.sendMessage(42, 'eventually');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    const sends = fake.calls.filter((c) => c.method === 'sendmessage');
    expect(sends.map((c) => c.outcome)).toEqual(['fault', 'ok']);
    expect(fake.lastMessage(42)?.text).toBe('eventually');
    expect(fake.violations).toEqual([]);
  });

  it('decides faults per call with faultWhen', async () => {
    startedUser();
    const bot = makeBot();
    fake.faultWhen('sendMessage', (params) =>
      params.text === 'boom'
        ? { error_code: 500, description: 'Internal Server Error' }
        : undefined,
    );
    expect((await apiError(bot.api.sendMessage(42, 'boom'))).error_code).toBe(500);
    await bot.api.sendMessage(42, 'fine');
    expect(fake.messages(42).map((m) => m.text)).toEqual(['fine']);
  });

  it('answers 429 as a violation when optional flood limits are exceeded', async () => {
    const limited = await startFakeTelegram({ limits: { perChatPerSecond: 2 } });
    try {
      const user = limited.user({ id: 42, firstName: 'Ann' });
      limited.sendText(user, 'hi');
      const bot = makeBot(limited.token, limited);
      await bot.api.sendMessage(42, '1');
      await bot.api.sendMessage(42, '2');
      const flood = await apiError(bot.api.sendMessage(42, '3'));
      expect(flood.description).toBe('Too Many Requests: retry after 1');
      expect(flood.parameters.retry_after).toBe(1);
      expect(limited.violations).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});

describe('without a call log (keepCalls: false, for load generators)', () => {
  it('keeps no call, yet tells listeners and waiters of each, and still records violations', async () => {
    const light = await startFakeTelegram({ token: '777:LIGHT', keepCalls: false });
    try {
      light.markStarted(light.user({ id: 42, firstName: 'Ann', languageCode: 'en' }));
      const bot = makeBot(light.token, light);
      const heard: string[] = [];
      const stop = light.onCall((c) => heard.push(`${c.method} ${c.outcome}`));
      const waited = light.waitFor((c) => c.method === 'sendmessage');
      await bot.api.sendMessage(42, 'hello');
      expect((await waited).params['text']).toBe('hello');
      await apiError(bot.api.sendMessage(42, 'a'.repeat(4097)));
      stop();
      expect(heard).toEqual(['sendmessage ok', 'sendmessage violation']);
      expect(light.calls).toEqual([]);
      expect(light.violations.map((v) => v.method)).toEqual(['sendmessage']);
      expect(light.messages(42).map((m) => m.text)).toEqual(['hello']);
    } finally {
      await light.close();
    }
  });
});

describe('other methods and the HTTP surface', () => {
  it('stores commands per scope and language_code, refusing invalid ones', async () => {
    const bot = makeBot();
    await bot.api.setMyCommands([{ command: 'start', description: 'Start' }]);
    await bot.api.setMyCommands([{ command: 'start', description: 'Starten' }], {
      language_code: 'de',
    });
    await bot.api.setMyCommands([{ command: 'optout', description: 'Opt out' }], {
      scope: { type: 'all_private_chats' },
    });
    expect(fake.commands()).toEqual([{ command: 'start', description: 'Start' }]);
    expect(fake.commands('default', 'de')).toEqual([{ command: 'start', description: 'Starten' }]);
    expect(fake.commands('all_private_chats')).toHaveLength(1);
    expect(await bot.api.getMyCommands({ language_code: 'de' })).toHaveLength(1);

    const invalid = await apiError(
      bot.api.setMyCommands([{ command: 'Opt-Out', description: 'Opt out' }]),
    );
    expect(invalid.description).toBe('Bad Request: BOT_COMMAND_INVALID');
    const empty = await apiError(bot.api.setMyCommands([{ command: 'help', description: '' }]));
    expect(empty.description).toBe('Bad Request: BOT_COMMAND_DESCRIPTION_INVALID');
    expect(fake.violations).toHaveLength(2);
    await bot.api.deleteMyCommands({ language_code: 'de' });
    expect(fake.commands('default', 'de')).toEqual([]);
  });

  it('counts the connections clients open to it', async () => {
    const before = fake.connectionsOpened;
    const { port } = new URL(fake.apiRoot);
    const sockets = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    try {
      await waitUntil(() => fake.connectionsOpened === before + 2);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    // Opened, not open: closing them takes nothing off.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.connectionsOpened).toBe(before + 2);
  });

  it('records a multipart sendDocument with the file name, size and content', async () => {
    startedUser();
    const bot = makeBot();
    const content = Buffer.from('{"steps":3}');
    const sent = await bot.api.sendDocument(42, new InputFile(content, 'export.json'), {
      caption: '<b>Your data</b>',
      parse_mode: 'HTML',
    });
    expect(sent.document).toMatchObject({ file_name: 'export.json', file_size: content.length });
    expect(sent.caption).toBe('Your data');
    const call = await fake.waitFor((c) => c.method === 'senddocument');
    expect(call.params).toMatchObject({ chat_id: '42', parse_mode: 'HTML' });
    expect(call.params.document).toMatchObject({ filename: 'export.json', size: content.length });
    expect(call.params.document).toHaveProperty('content', content);
    expect(fake.lastMessage(42)?.document).toEqual({ file_name: 'export.json', file_size: 11 });
  });

  it('reports chat member statuses', async () => {
    const bot = makeBot();
    const ann = fake.user({ id: 42, firstName: 'Ann' });
    const group = fake.group({ id: -1001234567890, title: 'Guild' });
    expect(group.type).toBe('supergroup');
    expect((await bot.api.getChatMember(group.id, ann.id)).status).toBe('member');
    fake.setChatMemberStatus(group.id, ann.id, 'administrator');
    expect(await bot.api.getChatMember(group.id, ann.id)).toMatchObject({
      status: 'administrator',
      user: { id: 42, first_name: 'Ann' },
    });
  });

  it('answers 404 to unknown methods, 401 to wrong tokens, GET and any method case', async () => {
    const unknown = await rawCall(`/bot${fake.token}/sendPigeon`, {});
    expect(unknown).toEqual({
      status: 404,
      json: { ok: false, error_code: 404, description: 'Not Found' },
    });
    const wrong = await apiError(makeBot('999:WRONG').api.getMe());
    expect([wrong.error_code, wrong.description]).toEqual([401, 'Unauthorized']);
    const get = await rawCall(`/bot${fake.token}/GETME?unused=1`);
    expect(get).toMatchObject({ status: 200, json: { ok: true, result: { is_bot: true } } });
    expect(fake.violations.map((v) => v.response)).toEqual([
      { ok: false, error_code: 404, description: 'Not Found' },
      { ok: false, error_code: 401, description: 'Unauthorized' },
    ]);
  });

  it('rejects waitFor with the recent calls when nothing matches', async () => {
    await makeBot().api.getMe();
    await expect(fake.waitFor((c) => c.method === 'sendmessage', 50)).rejects.toThrow(
      /no matching call within 50 ms[\s\S]*getme/,
    );
  });
});

describe('parseTelegramHtml', () => {
  it('returns visible text and entities with UTF-16 offsets', () => {
    const parsed = parseTelegramHtml(
      '👍 <a href="https://x.org/?a=1&amp;b=2">link</a> <pre><code class="language-ts">x</code></pre>' +
        '<blockquote expandable><i>q</i></blockquote><span class="tg-spoiler">s</span>&#65;&#x42;',
    );
    expect(parsed).toEqual({
      type: 'parsed',
      text: '👍 link xqsAB',
      entities: [
        { type: 'text_link', offset: 3, length: 4, url: 'https://x.org/?a=1&b=2' },
        { type: 'pre', offset: 8, length: 1, language: 'ts' },
        { type: 'expandable_blockquote', offset: 9, length: 1 },
        { type: 'italic', offset: 9, length: 1 },
        { type: 'spoiler', offset: 10, length: 1 },
      ],
    });
  });

  it.each([
    ['é<foo>', 'Unsupported start tag "foo" at byte offset 2'],
    ['</b>', 'Unexpected end tag at byte offset 0'],
    ['<b', 'Unclosed start tag at byte offset 0'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ['<a href="x>y</a>', 'Unclosed start tag at byte offset 8'],
    ['&nbsp;', 'Character "&" is reserved and must be escaped as "&amp;" at byte offset 0'],
  ])('refuses %j', (html, reason) => {
    expect(parseTelegramHtml(html)).toEqual({ type: 'error', reason });
  });
});
