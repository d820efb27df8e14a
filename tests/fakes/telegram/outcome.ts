import { intParam, strParam } from './params.js';
import { badRequest } from './validate.js';
import type { ApiErrorShape } from './types.js';
import type { ChatRecord, World } from './world.js';

/** How a method handler answered. */
export type MethodOutcome =
  | { readonly type: 'ok'; readonly result: unknown }
  /** A normal platform answer the bot is expected to handle. */
  | { readonly type: 'refused'; readonly error: ApiErrorShape }
  /** The bot broke a rule or a limit. */
  | { readonly type: 'violation'; readonly error: ApiErrorShape }
  /** No such method (404). */
  | { readonly type: 'unknown' };

export const success = (result: unknown): MethodOutcome => ({ type: 'ok', result });
export const refused = (error: ApiErrorShape): MethodOutcome => ({ type: 'refused', error });
export const violation = (error: ApiErrorShape): MethodOutcome => ({ type: 'violation', error });

/** A chat the request may act on, or the outcome refusing it. */
export type ChatLookup =
  | { readonly type: 'chat'; readonly chat: ChatRecord }
  | { readonly type: 'outcome'; readonly outcome: MethodOutcome };

/** Resolves `chat_id` to a known chat ("chat not found" otherwise, a violation in tests). */
export function findChat(world: World, params: Record<string, unknown>): ChatLookup {
  const chatId = intParam(params, 'chat_id');
  if (chatId === undefined) {
    const given = strParam(params, 'chat_id');
    const error = badRequest(given === undefined ? 'chat_id is empty' : 'chat not found');
    return { type: 'outcome', outcome: violation(error) };
  }
  const chat = world.chats.get(chatId);
  if (chat === undefined) {
    return { type: 'outcome', outcome: violation(badRequest('chat not found')) };
  }
  return { type: 'chat', chat };
}

/**
 * Resolves `chat_id` to a chat the bot may send to: in private chats the user must have written
 * to the bot and not blocked it (403s, normal platform answers).
 */
export function findWritableChat(world: World, params: Record<string, unknown>): ChatLookup {
  const found = findChat(world, params);
  if (found.type === 'outcome' || found.chat.userId === undefined) return found;
  const user = world.users.get(found.chat.userId);
  if (user?.blocked === true) {
    const error = { error_code: 403, description: 'Forbidden: bot was blocked by the user' };
    return { type: 'outcome', outcome: refused(error) };
  }
  if (user?.started !== true) {
    const error = {
      error_code: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    };
    return { type: 'outcome', outcome: refused(error) };
  }
  return found;
}
