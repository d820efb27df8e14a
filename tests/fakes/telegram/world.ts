import type {
  BotCommand,
  Chat,
  ChatMember,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  User,
  UserFromGetMe,
} from 'grammy/types';
import type { FakeChat, FakeUser, MemberStatus, SentMessage } from './types.js';

/** What the fake knows about a user. */
export interface UserRecord {
  readonly fake: FakeUser;
  /** The user has written to the bot in private, so the bot may message them. */
  started: boolean;
  blocked: boolean;
}

/** A message the bot sent, as it currently is. */
export interface StoredMessage {
  readonly chatId: number;
  readonly messageId: number;
  readonly date: number;
  editDate?: number;
  text: string;
  html: string;
  entities: MessageEntity[];
  markup?: InlineKeyboardMarkup;
  readonly document?: { readonly file_name: string; readonly file_size: number };
}

/** What the fake knows about a chat. */
export interface ChatRecord {
  readonly fake: FakeChat;
  readonly api: Exclude<Chat, Chat.ChannelChat>;
  /** For private chats: the user on the other side. */
  readonly userId?: number;
  readonly chatInstance: string;
  /** Last message id used in this chat, by the bot or a user (Telegram shares the sequence). */
  lastMessageId: number;
  readonly botMessages: Map<number, StoredMessage>;
  readonly userMessages: Set<number>;
  readonly members: Map<number, MemberStatus>;
}

/** The Telegram `User` object of a fake user. */
export function apiUser(u: FakeUser): User {
  return {
    id: u.id,
    is_bot: false,
    first_name: u.firstName,
    ...(u.username === undefined ? {} : { username: u.username }),
    ...(u.languageCode === undefined ? {} : { language_code: u.languageCode }),
  };
}

/** The `User` object of the bot as it appears in `from` of its messages. */
export function apiBotUser(bot: UserFromGetMe): User {
  return { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username };
}

/** The `getMe` answer for a token (`<id>:<secret>`) and username. */
export function botInfoFor(token: string, username: string): UserFromGetMe {
  return {
    id: Number(/^(\d+):/.exec(token)?.[1] ?? 123456),
    is_bot: true,
    first_name: 'OptOut Test Bot',
    username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

/** Current Unix time in seconds, as in Telegram's `date` fields. */
export const unixNow = (): number => Math.floor(Date.now() / 1000);

/** The `Message` object Telegram returns for a stored bot message. */
export function apiMessage(m: StoredMessage, chat: ChatRecord, bot: UserFromGetMe): Message {
  const base = {
    message_id: m.messageId,
    from: apiBotUser(bot),
    chat: chat.api,
    date: m.date,
    ...(m.editDate === undefined ? {} : { edit_date: m.editDate }),
    ...(m.markup === undefined ? {} : { reply_markup: m.markup }),
  };
  if (m.document !== undefined) {
    const fileId = `BQACAgIAAxkDAAI${chat.fake.id}_${m.messageId}`;
    return {
      ...base,
      document: { file_id: fileId, file_unique_id: `AgAD${m.messageId}`, ...m.document },
      ...(m.text === '' ? {} : { caption: m.text }),
      ...(m.entities.length === 0 ? {} : { caption_entities: m.entities }),
    };
  }
  return { ...base, text: m.text, ...(m.entities.length === 0 ? {} : { entities: m.entities }) };
}

/** A public snapshot of a stored message. */
export function snapshot(m: StoredMessage, chat: ChatRecord, bot: UserFromGetMe): SentMessage {
  const copy = <T>(value: T): T => structuredClone(value);
  return {
    chat_id: m.chatId,
    message_id: m.messageId,
    text: m.text,
    html: m.html,
    entities: copy(m.entities),
    buttons: copy(m.markup?.inline_keyboard.flat() ?? []),
    date: m.date,
    ...(m.markup === undefined ? {} : { reply_markup: copy(m.markup) }),
    ...(m.editDate === undefined ? {} : { edit_date: m.editDate }),
    ...(m.document === undefined ? {} : { document: { ...m.document } }),
    api: copy(apiMessage(m, chat, bot)),
  };
}

/** A `ChatMember` object with the fields its status requires. */
export function apiChatMember(user: User, status: MemberStatus): ChatMember {
  switch (status) {
    case 'creator':
      return { status, user, is_anonymous: false };
    case 'administrator':
      return {
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_send_welcome_messages: false,
      };
    case 'member':
    case 'left':
      return { status, user };
    case 'kicked':
      return { status, user, until_date: 0 };
    default: {
      const unhandled: never = status;
      throw new Error(`unknown member status ${String(unhandled)}`);
    }
  }
}

/** Everything the fake Telegram remembers besides the update queue. */
export class World {
  readonly users = new Map<number, UserRecord>();
  readonly chats = new Map<number, ChatRecord>();
  /** callback_query id → answered? */
  readonly callbackQueries = new Map<string, boolean>();
  /** Commands per `${scopeKey}|${languageCode}`. */
  readonly commands = new Map<string, BotCommand[]>();
  webhook: { url: string; secretToken?: string } = { url: '' };
  private lastCallbackId = 0n;

  constructor(readonly bot: UserFromGetMe) {}

  /** Registers a user and their private chat; an existing id returns the known user. */
  addUser(u: FakeUser): FakeUser {
    const known = this.users.get(u.id);
    if (known !== undefined) return known.fake;
    if (!Number.isSafeInteger(u.id) || u.id <= 0) {
      throw new Error(`fake user id must be a positive integer, got ${u.id}`);
    }
    const fake = Object.freeze({ ...u });
    this.users.set(u.id, { fake, started: false, blocked: false });
    const api: Chat.PrivateChat = {
      id: u.id,
      type: 'private',
      first_name: u.firstName,
      ...(u.username === undefined ? {} : { username: u.username }),
    };
    this.addChat({ id: u.id, type: 'private' }, api, u.id);
    return fake;
  }

  /** Registers a group chat. */
  addGroup(g: { id: number; title: string; type?: 'group' | 'supergroup' }): FakeChat {
    const known = this.chats.get(g.id);
    if (known !== undefined) return known.fake;
    if (!Number.isSafeInteger(g.id) || g.id >= 0) {
      throw new Error(`fake group id must be a negative integer, got ${g.id}`);
    }
    const type = g.type ?? (g.id <= -1_000_000_000_000 ? 'supergroup' : 'group');
    const api: Chat.GroupChat | Chat.SupergroupChat =
      type === 'group' ? { id: g.id, type, title: g.title } : { id: g.id, type, title: g.title };
    return this.addChat({ id: g.id, type, title: g.title }, api, undefined).fake;
  }

  private addChat(
    fake: FakeChat,
    api: Exclude<Chat, Chat.ChannelChat>,
    userId: number | undefined,
  ): ChatRecord {
    const record: ChatRecord = {
      fake: Object.freeze(fake),
      api,
      chatInstance: String(-4_000_000_000_000_000_000n - BigInt(Math.abs(fake.id))),
      lastMessageId: 0,
      botMessages: new Map(),
      userMessages: new Set(),
      members: new Map(),
      ...(userId === undefined ? {} : { userId }),
    };
    this.chats.set(fake.id, record);
    return record;
  }

  /** The user record behind a FakeUser, or a clear test error. */
  userRecord(u: FakeUser): UserRecord {
    const record = this.users.get(u.id);
    if (record === undefined) throw new Error(`unknown fake user ${u.id}: create it with user()`);
    return record;
  }

  /** The chat record for an id, or a clear test error. */
  chatRecord(chatId: number): ChatRecord {
    const record = this.chats.get(chatId);
    if (record === undefined) {
      throw new Error(`unknown fake chat ${chatId}: create it with user() or group()`);
    }
    return record;
  }

  /** A fresh callback_query id, shaped like Telegram's long numeric strings. */
  nextCallbackId(): string {
    this.lastCallbackId += 1n;
    return String(5_830_000_000_000_000_000n + this.lastCallbackId);
  }

  /** Status of a user in a chat as set by `setChatMemberStatus`; default `member`. */
  memberStatus(chat: ChatRecord, userId: number): MemberStatus {
    return chat.members.get(userId) ?? 'member';
  }
}
