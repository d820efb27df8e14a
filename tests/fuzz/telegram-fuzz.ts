import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot } from '../../src/bots/telegram/telegram-bot.js';
import { encodeAction } from '../../src/core/actions.js';
import { supportedLanguages } from '../../src/locales/index.js';
import { testLogger } from '../bots/telegram/harness.js';
import { startFakeTelegram, type FakeTelegram, type FakeUser } from '../fakes/telegram/server.js';
import { createTestApp } from '../helpers/app.js';

/** Progress and reminders, without the "last touched" times that merely record activity. */
function meaningfulState(app: ReturnType<typeof createTestApp>): string {
  const progress = app.db
    .prepare<[], { user_id: number; state: string }>(
      'SELECT user_id, state FROM progress ORDER BY user_id',
    )
    .all()
    .map((row) => ({ ...row, state: { ...(JSON.parse(row.state) as object), updatedAt: 0 } }));
  return JSON.stringify({ progress, reminders: app.db.prepare('SELECT * FROM reminders').all() });
}

/**
 * Pushes `runs` generated hostile inputs of one kind (messages, or button presses) through the
 * Telegram adapter's whole handling path against the fake Bot API, and checks: nothing crashes,
 * no progress or reminder changes, every input gets an answer, Telegram refuses nothing.
 */
export function telegramFuzzSuite(kind: 'messages' | 'buttons', runs: number): void {
  describe(`the Telegram adapter under hostile ${kind} (property)`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'optout-fuzz-'));
    let fake: FakeTelegram;
    let app: ReturnType<typeof createTestApp>;
    const users: FakeUser[] = [];
    const logs: string[] = [];

    beforeAll(async () => {
      fake = await startFakeTelegram();
      app = createTestApp(dir, { file: 'fuzz.sqlite' });
      for (const [id, languageCode] of [
        [1_001, 'en'],
        [1_002, 'fr-CA'],
        [1_003, undefined],
      ] as const) {
        const user = fake.user({ id, firstName: 'F', ...(languageCode ? { languageCode } : {}) });
        fake.markStarted(user);
        users.push(user);
        // Each user is on step 2: hostile input must not move them.
        const actor = {
          platform: 'telegram' as const,
          platformUserId: String(id),
          locale: languageCode ?? null,
        };
        const opened = await app.service.openGuide(actor, 'x-grok');
        const done = opened.screen.buttons.flat().find((b) => b.label.key === 'ui:buttons.done');
        if (done?.type === 'action') await app.service.press(actor, done.action);
      }
    });
    afterAll(async () => {
      await fake.close();
      app.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const callbackData = fc.oneof(
      fc.string({ maxLength: 64 }),
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.constantFrom(
        '',
        ':',
        '1',
        '1:',
        '1:s',
        '2:s:x-grok:1:1:d',
        '1:o:nope',
        '1:l:xx',
        '1:m:x-grok:q',
        '1:c:x-grok:z',
        '1:f:1',
        '1:f:99999999',
      ),
      // Stale buttons: real ids for another guide version or another step.
      fc
        .record({
          step: fc.integer({ min: 0, max: 5 }),
          move: fc.constantFrom('done', 'back', 'skip', 'cant' as const),
        })
        .map(({ step, move }) =>
          encodeAction({ type: 'step', guideId: 'x-grok', version: 7, step, move }),
        ),
      // Buttons from screens the user is not on: reminders, cadence, restart.
      fc.constantFrom(
        encodeAction({ type: 'reminder', guideId: 'x-grok', answer: 'wasOn' }),
        encodeAction({ type: 'reminder', guideId: 'x-grok', answer: 'snooze' }),
        encodeAction({ type: 'cadence', guideId: 'x-grok', cadence: 'never' }),
        encodeAction({ type: 'restart', guideId: 'x-grok', version: 1 }),
        encodeAction({ type: 'step', guideId: 'x-grok', version: 1, step: 0, move: 'done' }),
      ),
    );
    const messageText = fc.oneof(
      fc.string({ minLength: 1, maxLength: 200 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }),
      fc.string({ maxLength: 30 }).map((s) => `/${s}`),
      fc.string({ minLength: 1000, maxLength: 4000 }).map((s) => `/language ${s}`),
      fc.constantFrom(
        '/start',
        '/frobnicate',
        `/start ${'x'.repeat(4000)}`,
        `/language ${'🏳️‍🌈'.repeat(200)}`,
        '/grok_optout@other_bot',
        '/help extra args',
        '\u202e/status',
        '/status\u0000',
        '/start ../../etc/passwd',
        `/start x-grok_${'a'.repeat(60)}`,
        '/forget',
        '/export',
        '<b>bold</b> & <script>',
      ),
    );

    it(`survives ${runs} generated ${kind}: no crash, no state change, every input answered`, async () => {
      const bot = createTelegramBot({
        token: fake.token,
        apiRoot: fake.apiRoot,
        botInfo: fake.botInfo,
        service: app.service,
        localizer: app.localizer,
        languages: supportedLanguages,
        log: testLogger(logs),
        retry: { maxRetryAttempts: 1, maxDelaySeconds: 1 },
      });
      const before = meaningfulState(app);
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            callback: fc.constant(kind === 'buttons'),
            user: fc.integer({ min: 0, max: 2 }),
            text: messageText,
            data: callbackData,
            onCurrentMessage: fc.boolean(),
          }),
          async ({ callback, user: index, text, data, onCurrentMessage }) => {
            const user = users[index]!;
            const calls = fake.calls.length;
            let update: Update;
            if (callback) {
              const last = fake.lastMessage(user.id);
              // A press on a message that is no longer there, or on the latest one.
              const target =
                onCurrentMessage && last ? last : { chat_id: user.id, message_id: 999_999 };
              update = fake.press(user, target, data, { forge: true });
            } else {
              update = fake.sendText(user, text);
            }
            // As the runner does: errors go to the adapter's one boundary, `bot.catch`.
            await bot
              .handleUpdate(update)
              .catch((error: unknown) => bot.errorHandler(error as never));
            expect(meaningfulState(app)).toBe(before);
            const answers = fake.calls.slice(calls).map((c) => c.method);
            expect(
              answers.some((m) =>
                ['sendmessage', 'editmessagetext', 'answercallbackquery'].includes(m),
              ),
            ).toBe(true);
          },
        ),
        // No shrinking: replays go over HTTP; the first counterexample is reported as it is.
        { numRuns: runs, endOnFailure: true },
      );
      expect(meaningfulState(app)).toBe(before);
      expect(logs.filter((line) => line.includes('"level":50'))).toEqual([]);
      expect(fake.violations.map((v) => `${v.method}: ${JSON.stringify(v.response)}`)).toEqual([]);
      expect([...fake.callbackAnswers()].filter(([, answered]) => !answered)).toEqual([]);
    }, 180_000);
  });
}
