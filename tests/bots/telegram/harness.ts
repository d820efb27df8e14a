import { pino } from 'pino';
import { createFloodGuard } from '../../../src/app/flood-guard.js';
import { startTelegram, type TelegramBot } from '../../../src/bots/telegram/start.js';
import { supportedLanguages } from '../../../src/locales/index.js';
import type {
  FakeTelegram,
  FakeUser,
  RecordedCall,
  SentMessage,
} from '../../fakes/telegram/server.js';
import type { createTestApp } from '../../helpers/app.js';

/** A silent logger for tests, or one that records lines when asked. */
export function testLogger(lines?: string[]) {
  return pino(
    { level: lines ? 'debug' : 'silent' },
    lines ? { write: (line: string) => void lines.push(line) } : undefined,
  );
}

/** Starts the real adapter (runner polling) on a test app against the fake. */
export async function startTestTelegram(
  fake: FakeTelegram,
  app: ReturnType<typeof createTestApp>,
  lines?: string[],
  flood?: Parameters<typeof createFloodGuard>[0],
): Promise<TelegramBot> {
  return startTelegram({
    ...(flood ? { flood: createFloodGuard(flood) } : {}),
    token: fake.token,
    apiRoot: fake.apiRoot,
    botInfo: fake.botInfo,
    service: app.service,
    localizer: app.localizer,
    languages: supportedLanguages,
    log: testLogger(lines),
    pollTimeout: 1,
    retry: { maxRetryAttempts: 3, maxDelaySeconds: 5 },
  });
}

/** A user talking to the bot through the fake: sends, waits for the bot's answer, presses buttons. */
export function talk(fake: FakeTelegram, user: FakeUser) {
  /** Waits for the bot's next successful `method` call in this chat after `from`. */
  const next = (method: string, from: number, chatId = user.id): Promise<RecordedCall> =>
    fake.waitFor(
      (c) => c.method === method && c.outcome === 'ok' && Number(c.params['chat_id']) === chatId,
      5000,
      from,
    );

  return {
    /** Sends `text` in the private chat and returns the message the bot answered with. */
    async say(text: string): Promise<SentMessage> {
      const from = fake.calls.length;
      fake.sendText(user, text);
      const call = await next('sendmessage', from);
      const id = (call.response as { result?: { message_id?: number } }).result?.message_id;
      const message = fake.messages(user.id).find((m) => m.message_id === id);
      if (!message) throw new Error(`no message after "${text}": ${JSON.stringify(call.response)}`);
      return message;
    },
    /** Presses the button labelled `label` on `message`; returns the message as the bot left it. */
    async press(message: SentMessage, label: string): Promise<SentMessage> {
      const button = message.buttons.find((b) => b.text === label);
      if (!button || !('callback_data' in button)) {
        throw new Error(
          `no "${label}" button; buttons: ${message.buttons.map((b) => b.text).join(' | ')}`,
        );
      }
      return this.pressData(message, button.callback_data);
    },
    /** Sends a callback query with raw data on `message` (forged when `forge`). */
    async pressData(message: SentMessage, data: string, forge = false): Promise<SentMessage> {
      const from = fake.calls.length;
      const update = fake.press(user, message, data, { forge });
      const queryId = update.callback_query?.id;
      await fake.waitFor(
        (c) => c.method === 'answercallbackquery' && c.params['callback_query_id'] === queryId,
        5000,
        from,
      );
      await fake.waitFor(
        (c) =>
          ['editmessagetext', 'sendmessage'].includes(c.method) &&
          Number(c.params['chat_id']) === user.id,
        5000,
        from,
      );
      const current = fake.messages(user.id).find((m) => m.message_id === message.message_id);
      return current ?? message;
    },
    /** The text of the callback answer (toast) for the last press. */
    lastToast(): string | undefined {
      const call = [...fake.calls].reverse().find((c) => c.method === 'answercallbackquery');
      return call?.params['text'] as string | undefined;
    },
  };
}
