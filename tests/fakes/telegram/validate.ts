import type {
  BotCommand,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  MessageEntity,
} from 'grammy/types';
import { parseTelegramHtml } from './html.js';
import { isRecord, jsonParam, strParam } from './params.js';
import type { ApiErrorShape } from './types.js';

/** Telegram limits the fake enforces (Bot API docs; platforms.md A8). */
export const LIMITS = {
  messageText: 4096,
  caption: 1024,
  callbackData: 64,
  buttons: 100,
  callbackAnswerText: 200,
  commands: 100,
  commandDescription: 256,
} as const;

/** A `400 Bad Request: …` error. */
export const badRequest = (description: string): ApiErrorShape => ({
  error_code: 400,
  description: `Bad Request: ${description}`,
});

/** Outcome of a check: the cleaned value, or the error Telegram would answer. */
export type Checked<T> =
  | { readonly type: 'ok'; readonly value: T }
  | { readonly type: 'error'; readonly error: ApiErrorShape };

const ok = <T>(value: T): Checked<T> => ({ type: 'ok', value });
const refuse = (description: string): Checked<never> => ({
  type: 'error',
  error: badRequest(description),
});

/** Text after parse_mode processing. */
export interface RenderedText {
  readonly text: string;
  readonly html: string;
  readonly entities: MessageEntity[];
}

/**
 * Applies `parse_mode` (only HTML is implemented) or explicit `entities` to the `text` / `caption`
 * parameter and checks Telegram's length limits on the visible text (UTF-16 code units).
 */
export function renderText(
  params: Record<string, unknown>,
  kind: 'text' | 'caption',
): Checked<RenderedText> {
  const raw = strParam(params, kind) ?? '';
  const entitiesKey = kind === 'text' ? 'entities' : 'caption_entities';
  const parseMode = (strParam(params, 'parse_mode') ?? '').toLowerCase();
  let rendered: RenderedText;
  if (parseMode === 'html') {
    const parsed = parseTelegramHtml(raw);
    if (parsed.type === 'error') return refuse(`can't parse entities: ${parsed.reason}`);
    rendered = { text: parsed.text, html: raw, entities: parsed.entities };
  } else if (parseMode === 'markdown' || parseMode === 'markdownv2') {
    return refuse(
      `can't parse entities: the fake Telegram server implements only parse_mode HTML, not ${parseMode}`,
    );
  } else if (parseMode !== '') {
    return refuse('unsupported parse_mode');
  } else {
    const entities = jsonParam(params, entitiesKey);
    const list = entities.type === 'value' && Array.isArray(entities.value) ? entities.value : [];
    rendered = { text: raw, html: raw, entities: list as MessageEntity[] };
  }
  if (kind === 'text' && rendered.text.trim() === '') return refuse('message text is empty');
  if (kind === 'text' && rendered.text.length > LIMITS.messageText) {
    return refuse('message is too long');
  }
  if (kind === 'caption' && rendered.text.length > LIMITS.caption) {
    return refuse('message caption is too long');
  }
  return ok(rendered);
}

const ACTION_FIELDS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
] as const;

/** An inline button reduced to the fields Telegram keeps, or the error for it. */
function checkButton(button: unknown): Checked<InlineKeyboardButton> {
  if (!isRecord(button) || typeof button.text !== 'string') {
    return refuse(`can't parse inline keyboard button: Field "text" must be of type String`);
  }
  if (button.text.trim() === '') return refuse('BUTTON_TEXT_INVALID');
  // Telegram treats an empty callback_data like a missing one.
  const actions = ACTION_FIELDS.filter((f) => button[f] !== undefined && button[f] !== '');
  const [action, ...others] = actions;
  if (action === undefined) {
    return refuse(
      "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
  }
  if (others.length > 0) {
    return refuse(
      `can't parse inline keyboard button: exactly one of the optional fields must be used, got ${actions.join(', ')}`,
    );
  }
  const value = button[action];
  if (action === 'callback_data') {
    if (typeof value !== 'string' || Buffer.byteLength(value, 'utf8') > LIMITS.callbackData) {
      return refuse('BUTTON_DATA_INVALID');
    }
  }
  if (action === 'url' && (typeof value !== 'string' || !/^(https?|tg):\/\/\S+$/i.test(value))) {
    return refuse('BUTTON_URL_INVALID');
  }
  const kept: Record<string, unknown> = { text: button.text, [action]: value };
  for (const extra of ['style', 'icon_custom_emoji_id'] as const) {
    if (button[extra] !== undefined) kept[extra] = button[extra];
  }
  // Validated above: text plus exactly one action field of the right shape.
  return ok(kept as unknown as InlineKeyboardButton);
}

/**
 * Validates `reply_markup`. Returns the inline keyboard as Telegram stores and echoes it (empty
 * rows dropped; undefined when there is no inline button, including reply keyboards, which
 * Telegram never echoes).
 */
export function checkReplyMarkup(
  params: Record<string, unknown>,
): Checked<InlineKeyboardMarkup | undefined> {
  const markup = jsonParam(params, 'reply_markup');
  if (markup.type === 'absent') return ok(undefined);
  if (markup.type === 'invalid') return refuse("can't parse reply keyboard markup JSON object");
  if (!isRecord(markup.value)) return refuse('object expected as reply markup');
  const rows = markup.value.inline_keyboard;
  if (rows === undefined) return ok(undefined);
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    return refuse('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  const keyboard: InlineKeyboardButton[][] = [];
  let count = 0;
  for (const row of rows as unknown[][]) {
    const kept: InlineKeyboardButton[] = [];
    for (const button of row) {
      const checked = checkButton(button);
      if (checked.type === 'error') return checked;
      kept.push(checked.value);
      count += 1;
    }
    if (kept.length > 0) keyboard.push(kept);
  }
  if (count > LIMITS.buttons) return refuse('reply markup is too long');
  if (keyboard.length === 0) return ok(undefined);
  return ok({ inline_keyboard: keyboard });
}

/** Validates the `commands` of `setMyCommands`. */
export function checkCommands(params: Record<string, unknown>): Checked<BotCommand[]> {
  const commands = jsonParam(params, 'commands');
  if (commands.type !== 'value' || !Array.isArray(commands.value)) {
    return refuse("can't parse commands JSON object");
  }
  if (commands.value.length > LIMITS.commands) return refuse('BOT_COMMANDS_TOO_MUCH');
  const result: BotCommand[] = [];
  for (const entry of commands.value) {
    if (!isRecord(entry)) return refuse("can't parse BotCommand");
    const { command, description } = entry;
    if (typeof command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command)) {
      return refuse('BOT_COMMAND_INVALID');
    }
    if (
      typeof description !== 'string' ||
      description.trim() === '' ||
      description.length > LIMITS.commandDescription
    ) {
      return refuse('BOT_COMMAND_DESCRIPTION_INVALID');
    }
    result.push({ command, description });
  }
  return ok(result);
}

/** Validates a `language_code` parameter: empty or a two-letter ISO 639-1 code. */
export function checkLanguageCode(params: Record<string, unknown>): Checked<string> {
  const code = strParam(params, 'language_code') ?? '';
  return code === '' || /^[a-z]{2}$/.test(code) ? ok(code) : refuse('LANG_CODE_INVALID');
}

/** The key under which commands are stored for a `scope` parameter (see `FakeTelegram.commands`). */
export function checkScope(params: Record<string, unknown>): Checked<string> {
  const scope = jsonParam(params, 'scope');
  if (scope.type === 'absent') return ok('default');
  if (scope.type === 'invalid' || !isRecord(scope.value) || typeof scope.value.type !== 'string') {
    return refuse("can't parse BotCommandScope JSON object");
  }
  const { type, chat_id: chatId, user_id: userId } = scope.value;
  const parts = [type, chatId, userId].filter(
    (p) => typeof p === 'string' || typeof p === 'number',
  );
  return ok(parts.map(String).join(':'));
}
