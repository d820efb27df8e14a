import type { MessageEntity, Update } from 'grammy/types';
import type { FakeChat, FakeUser, MemberStatus } from './types.js';
import { apiChatMember, apiMessage, apiUser, unixNow, type World } from './world.js';

type UpdateBody = Omit<Update, 'update_id'>;

/** `/command`, `/command@bot_name` at the start of a text, as Telegram recognises them. */
const COMMAND_PATTERN = /^\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?/;

/** The `bot_command` entity of a text starting with a command (length includes `@bot`). */
export function commandEntity(text: string): MessageEntity | undefined {
  const match = COMMAND_PATTERN.exec(text);
  return match === null ? undefined : { type: 'bot_command', offset: 0, length: match[0].length };
}

/**
 * A `message` update for `text` from `from` in `chat` (default: their private chat). Writing in
 * private marks the user as having started the bot; a user who blocked the bot cannot write.
 */
export function textMessage(
  world: World,
  from: FakeUser,
  text: string,
  chat?: FakeChat,
): UpdateBody {
  const user = world.userRecord(from);
  const record = world.chatRecord(chat?.id ?? from.id);
  if (record.fake.type === 'private') {
    if (record.userId !== from.id) {
      throw new Error(`user ${from.id} cannot write in the private chat of user ${record.fake.id}`);
    }
    if (user.blocked) {
      throw new Error(
        `user ${from.id} blocked the bot and cannot write to it: call unblock() first (in Telegram, pressing Restart unblocks)`,
      );
    }
    user.started = true;
  }
  if (text === '') throw new Error('a Telegram text message cannot be empty');
  record.lastMessageId += 1;
  record.userMessages.add(record.lastMessageId);
  const entity = commandEntity(text);
  return {
    message: {
      message_id: record.lastMessageId,
      from: apiUser(from),
      chat: record.api,
      date: unixNow(),
      text,
      ...(entity === undefined ? {} : { entities: [entity] }),
    },
  };
}

/**
 * A `callback_query` update for a press on a bot message's button. Unless `forge` is set, the
 * message must still exist and currently show a button with exactly `data`, and in a private chat
 * only its user can press.
 */
export function buttonPress(
  world: World,
  from: FakeUser,
  target: { chat_id: number; message_id: number },
  data: string,
  forge: boolean,
): UpdateBody {
  world.userRecord(from);
  const chat = world.chatRecord(target.chat_id);
  const message = chat.botMessages.get(target.message_id);
  if (!forge) {
    const where = `message ${target.message_id} in chat ${target.chat_id}`;
    if (message === undefined) throw new Error(`cannot press a button: ${where} does not exist`);
    const buttons = message.markup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((b) => 'callback_data' in b && b.callback_data === data)) {
      const shown = buttons.map((b) => JSON.stringify(b)).join(', ') || 'none';
      throw new Error(
        `${where} has no button with callback_data ${JSON.stringify(data)}; buttons: ${shown}`,
      );
    }
    if (chat.userId !== undefined && chat.userId !== from.id) {
      throw new Error(`user ${from.id} cannot see ${where}: it is another user's private chat`);
    }
  }
  const id = world.nextCallbackId();
  world.callbackQueries.set(id, false);
  const shown =
    message === undefined
      ? { chat: chat.api, message_id: target.message_id, date: 0 as const }
      : apiMessage(message, chat, world.bot);
  return {
    callback_query: {
      id,
      from: apiUser(from),
      message: shown,
      chat_instance: chat.chatInstance,
      data,
    },
  };
}

/** The `my_chat_member` update Telegram sends when a user blocks or unblocks the bot. */
export function botStatusChange(
  world: World,
  user: FakeUser,
  from: MemberStatus,
  to: MemberStatus,
): UpdateBody {
  const chat = world.chatRecord(user.id);
  const bot = {
    id: world.bot.id,
    is_bot: true,
    first_name: world.bot.first_name,
    username: world.bot.username,
  };
  return {
    my_chat_member: {
      chat: chat.api,
      from: apiUser(user),
      date: unixNow(),
      old_chat_member: apiChatMember(bot, from),
      new_chat_member: apiChatMember(bot, to),
    },
  };
}
