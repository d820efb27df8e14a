import type { InlineKeyboardMarkup } from 'grammy/types';
import {
  findChat,
  findWritableChat,
  refused,
  success,
  violation,
  type MethodOutcome,
} from './outcome.js';
import { intParam, isRecord, strParam } from './params.js';
import { badRequest, checkReplyMarkup, renderText, type RenderedText } from './validate.js';
import { apiMessage, unixNow, type ChatRecord, type StoredMessage, type World } from './world.js';

type Params = Record<string, unknown>;

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

function store(world: World, chat: ChatRecord, message: Omit<StoredMessage, 'messageId'>) {
  chat.lastMessageId += 1;
  const stored: StoredMessage = { ...message, messageId: chat.lastMessageId };
  chat.botMessages.set(stored.messageId, stored);
  return success(apiMessage(stored, chat, world.bot));
}

/** `sendMessage`: validates markup, chat, text; stores and returns the message. */
export function sendMessage(world: World, params: Params): MethodOutcome {
  const markup = checkReplyMarkup(params);
  if (markup.type === 'error') return violation(markup.error);
  const found = findWritableChat(world, params);
  if (found.type === 'outcome') return found.outcome;
  const text = renderText(params, 'text');
  if (text.type === 'error') return violation(text.error);
  return store(world, found.chat, {
    chatId: found.chat.fake.id,
    date: unixNow(),
    ...text.value,
    ...(markup.value === undefined ? {} : { markup: markup.value }),
  });
}

/** `sendDocument`: an uploaded file (or a file_id / URL string) with an optional caption. */
export function sendDocument(world: World, params: Params): MethodOutcome {
  const markup = checkReplyMarkup(params);
  if (markup.type === 'error') return violation(markup.error);
  const found = findWritableChat(world, params);
  if (found.type === 'outcome') return found.outcome;
  const document = params.document;
  let file: { file_name: string; file_size: number };
  if (isRecord(document) && document.type === 'file' && Buffer.isBuffer(document.content)) {
    const name = typeof document.filename === 'string' ? document.filename : 'document';
    file = { file_name: name, file_size: document.content.length };
  } else if (typeof document === 'string' && document !== '') {
    file = { file_name: document.split('/').at(-1) ?? 'document', file_size: 0 };
  } else {
    return violation(badRequest('there is no document in the request'));
  }
  const caption = renderText(params, 'caption');
  if (caption.type === 'error') return violation(caption.error);
  return store(world, found.chat, {
    chatId: found.chat.fake.id,
    date: unixNow(),
    document: file,
    ...caption.value,
    ...(markup.value === undefined ? {} : { markup: markup.value }),
  });
}

/** Finds the bot message an edit targets, or the outcome refusing the edit. */
function findEditable(
  world: World,
  params: Params,
):
  | { type: 'found'; chat: ChatRecord; message: StoredMessage }
  | { type: 'outcome'; outcome: MethodOutcome } {
  if (strParam(params, 'inline_message_id') !== undefined) {
    const error = badRequest('the fake Telegram server does not implement inline messages');
    return { type: 'outcome', outcome: violation(error) };
  }
  const found = findWritableChat(world, params);
  if (found.type === 'outcome') return found;
  const messageId = intParam(params, 'message_id');
  if (messageId === undefined) {
    return {
      type: 'outcome',
      outcome: violation(badRequest('message identifier is not specified')),
    };
  }
  const message = found.chat.botMessages.get(messageId);
  if (message !== undefined) return { type: 'found', chat: found.chat, message };
  const outcome = found.chat.userMessages.has(messageId)
    ? violation(badRequest("message can't be edited"))
    : refused(badRequest('message to edit not found'));
  return { type: 'outcome', outcome };
}

const sameMarkup = (a: InlineKeyboardMarkup | undefined, b: InlineKeyboardMarkup | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function applyEdit(
  world: World,
  chat: ChatRecord,
  message: StoredMessage,
  text: RenderedText,
  markup: InlineKeyboardMarkup | undefined,
): MethodOutcome {
  const sameText =
    text.text === message.text &&
    JSON.stringify(text.entities) === JSON.stringify(message.entities);
  if (sameText && sameMarkup(markup, message.markup)) return refused(badRequest(NOT_MODIFIED));
  message.text = text.text;
  message.html = text.html;
  message.entities = text.entities;
  if (markup === undefined) delete message.markup;
  else message.markup = markup;
  message.editDate = unixNow();
  return success(apiMessage(message, chat, world.bot));
}

/** `editMessageText`: replaces text and (absent `reply_markup` removes it) the keyboard. */
export function editMessageText(world: World, params: Params): MethodOutcome {
  const markup = checkReplyMarkup(params);
  if (markup.type === 'error') return violation(markup.error);
  const target = findEditable(world, params);
  if (target.type === 'outcome') return target.outcome;
  if (target.message.document !== undefined) {
    return violation(badRequest('there is no text in the message to edit'));
  }
  const text = renderText(params, 'text');
  if (text.type === 'error') return violation(text.error);
  return applyEdit(world, target.chat, target.message, text.value, markup.value);
}

/** `editMessageReplyMarkup`: replaces (or, when absent, removes) the inline keyboard. */
export function editMessageReplyMarkup(world: World, params: Params): MethodOutcome {
  const markup = checkReplyMarkup(params);
  if (markup.type === 'error') return violation(markup.error);
  const target = findEditable(world, params);
  if (target.type === 'outcome') return target.outcome;
  const { message } = target;
  const current = { text: message.text, html: message.html, entities: message.entities };
  return applyEdit(world, target.chat, message, current, markup.value);
}

/** `deleteMessage`: removes a bot or user message from the chat. */
export function deleteMessage(world: World, params: Params): MethodOutcome {
  const found = findChat(world, params);
  if (found.type === 'outcome') return found.outcome;
  const messageId = intParam(params, 'message_id');
  const { chat } = found;
  if (messageId !== undefined && chat.botMessages.delete(messageId)) return success(true);
  if (messageId !== undefined && chat.userMessages.delete(messageId)) return success(true);
  return refused(badRequest('message to delete not found'));
}

/** `sendChatAction`: checks the chat and the action name. */
export function sendChatAction(world: World, params: Params): MethodOutcome {
  const found = findWritableChat(world, params);
  if (found.type === 'outcome') return found.outcome;
  if (!CHAT_ACTIONS.has(strParam(params, 'action') ?? '')) {
    return violation(badRequest('wrong parameter action in request'));
  }
  return success(true);
}
