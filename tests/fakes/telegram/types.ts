import type {
  BotCommand,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  ResponseParameters,
  Update,
  UserFromGetMe,
} from 'grammy/types';

/** An error answer as Telegram sends it (the envelope minus `ok: false`). */
export interface ApiErrorShape {
  readonly error_code: number;
  readonly description: string;
  readonly parameters?: ResponseParameters;
}

/** The JSON envelope of every Bot API answer. */
export type ApiResponse =
  { readonly ok: true; readonly result: unknown } | ({ readonly ok: false } & ApiErrorShape);

/**
 * How the fake answered a call:
 * - `ok`: processed successfully;
 * - `refused`: a normal platform answer the bot must handle (403 blocked / not started,
 *   message not modified, message to edit not found, 409 between pollers);
 * - `violation`: the bot broke a rule or a limit (bad HTML, too long, bad callback_data, flood…);
 * - `fault`: an error the test injected with `fault()` / `faultWhen()`.
 */
export type CallOutcome = 'ok' | 'refused' | 'violation' | 'fault';

/** A file received in a multipart upload. */
export interface RecordedFile {
  readonly type: 'file';
  /** Name of the multipart part (grammY uses a random id referenced as `attach://id`). */
  readonly field: string;
  readonly filename: string;
  readonly contentType?: string;
  readonly size: number;
  readonly content: Buffer;
}

/** One answered API call. Long polls the client aborted before an answer are not recorded. */
export interface RecordedCall {
  /** Method name, lower-cased (`sendmessage`, `getupdates`…). */
  readonly method: string;
  /**
   * Parameters as received. JSON bodies keep their types; query strings, url-encoded and
   * multipart bodies give strings (as Telegram receives them). In multipart bodies an
   * `attach://id` value is replaced by the uploaded {@link RecordedFile}.
   */
  readonly params: Record<string, unknown>;
  readonly response: ApiResponse;
  readonly outcome: CallOutcome;
  /** `Date.now()` when the answer was sent. */
  readonly at: number;
  /** `performance.now()` of the fake's process when the request arrived (benchmarks). */
  readonly receivedAt: number;
  /**
   * `performance.now()` just before the answer was written (after it was serialised); for a
   * `getUpdates` answer, when its updates left the fake (benchmarks).
   */
  readonly answeredAt: number;
}

/** A user the test controls. Its private chat with the bot has the same id. */
export interface FakeUser {
  readonly id: number;
  readonly firstName: string;
  readonly languageCode?: string;
  readonly username?: string;
}

/** A chat the fake knows: a user's private chat or a group created with `group()`. */
export interface FakeChat {
  readonly id: number;
  readonly type: 'private' | 'group' | 'supergroup';
  readonly title?: string;
}

/** Status of a user in a chat, as `getChatMember` reports it. */
export type MemberStatus = 'creator' | 'administrator' | 'member' | 'left' | 'kicked';

/** A snapshot of a message the bot has in a chat, as it currently is (after edits). */
export interface SentMessage {
  readonly chat_id: number;
  readonly message_id: number;
  /** What the user sees: the text (or document caption) with HTML tags removed, entities decoded. */
  readonly text: string;
  /** The raw text as the bot sent it when a parse_mode was used; otherwise equal to `text`. */
  readonly html: string;
  readonly entities: readonly MessageEntity[];
  /** The inline keyboard, or undefined when the message has none. */
  readonly reply_markup?: InlineKeyboardMarkup;
  /** All inline buttons, row by row, flattened (convenience for assertions). */
  readonly buttons: readonly InlineKeyboardButton[];
  readonly date: number;
  readonly edit_date?: number;
  /** Present when the message was sent with `sendDocument`. */
  readonly document?: { readonly file_name: string; readonly file_size: number };
  /** The `Message` object Telegram would return for this message now. */
  readonly api: Message;
}

/** Flood-control limits; a send beyond them is answered 429 and recorded as a violation. */
export interface FloodLimits {
  /** Messages per chat within any 1 s window (Telegram advises 1; short bursts are tolerated). */
  readonly perChatPerSecond?: number;
  /** Messages across all chats within any 1 s window (Telegram: about 30). */
  readonly globalPerSecond?: number;
  /** Messages per group chat within any 60 s window (Telegram: 20). */
  readonly perGroupPerMinute?: number;
}

/** Options of {@link FakeTelegram}'s constructor function `startFakeTelegram`. */
export interface FakeTelegramOptions {
  /** Token the fake accepts; default `'123456:TEST-TOKEN'`. */
  readonly token?: string;
  /** Bot username; default `'optout_test_bot'`. */
  readonly botUsername?: string;
  /** Flood control; off unless given. */
  readonly limits?: FloodLimits;
  /**
   * `false`: `calls` stays empty (listeners, `waitFor` and `violations` still see every call).
   * For load generators: the log keeps every call with its parameters and answer (each
   * `getUpdates` answer carries its updates), so at hundreds of calls a second its memory, and
   * the garbage collector's pauses in the process running the fake, grow for the whole run.
   * Default `true`.
   */
  readonly keepCalls?: boolean;
}

/** A fault decision for one call: an error to answer, or undefined to process normally. */
export type FaultDecider = (params: Record<string, unknown>) => ApiErrorShape | undefined;

/** A running fake Telegram Bot API server and its test controls. */
export interface FakeTelegram {
  /** `http://127.0.0.1:PORT`, no trailing slash: pass as grammY's `client.apiRoot`. */
  readonly apiRoot: string;
  readonly token: string;
  /** Pass as grammY's `botInfo` to skip `getMe`. */
  readonly botInfo: UserFromGetMe;
  /** Every answered call, in answer order. */
  readonly calls: readonly RecordedCall[];
  /** Calls refused because the bot broke a rule or a limit; tests assert this stays empty. */
  readonly violations: readonly RecordedCall[];
  /** True while a `getUpdates` long poll is being held. */
  readonly pollPending: boolean;
  /** TCP connections the bot has opened to this server so far (each costs both ends a setup). */
  readonly connectionsOpened: number;

  /** Registers (or returns the existing) user. The bot cannot message them until `sendText`. */
  user(u: { id: number; firstName: string; languageCode?: string; username?: string }): FakeUser;
  /** Registers a group; ids ≤ -1e12 (`-100…`) are supergroups unless `type` says otherwise. */
  group(g: { id: number; title: string; type?: 'group' | 'supergroup' }): FakeChat;
  /**
   * Injects a text message from `from` (default chat: their private chat, which marks them as
   * having started the bot). A leading `/command`, `/command@bot` or `/start payload` gets a
   * `bot_command` entity. Throws if a user who blocked the bot writes to it privately.
   */
  sendText(from: FakeUser, text: string, chat?: FakeChat): Update;
  /**
   * Injects a `callback_query` for a press on `message`'s button with `callbackData`. Throws when
   * the message (as it currently is) has no such button, unless `forge` is set.
   */
  press(
    from: FakeUser,
    message: Pick<SentMessage, 'chat_id' | 'message_id'>,
    callbackData: string,
    opts?: { forge?: boolean },
  ): Update;
  /** Injects any update (its `update_id` is replaced by the next one) and wakes the poller. */
  inject(update: Omit<Update, 'update_id'>): Update;
  /** The user blocks the bot; a `my_chat_member` update (status `kicked`) is injected. */
  block(user: FakeUser): void;
  /** The user unblocks the bot; a `my_chat_member` update (status `member`) is injected. */
  unblock(user: FakeUser): void;
  /** The user pressed Start in some earlier session: the bot may write to them. No update is injected. */
  markStarted(user: FakeUser): void;
  /** Messages the bot currently has in a chat (not deleted), oldest first. */
  messages(chatId: number): SentMessage[];
  /** The bot's newest message in a chat. */
  lastMessage(chatId: number): SentMessage | undefined;
  /** The next `times` (default 1) calls of `method` are answered with `response`. */
  fault(method: string, response: ApiErrorShape, times?: number): void;
  /** Every call of `method` asks `decide` first; queued `fault()`s take precedence. */
  faultWhen(method: string, decide: FaultDecider): void;
  /**
   * Resolves with the first call at index ≥ `fromIndex` (default 0, so past calls count) matching
   * `predicate`; rejects after `timeoutMs` (default 5000) listing the recent calls.
   */
  waitFor(
    predicate: (c: RecordedCall) => boolean,
    timeoutMs?: number,
    fromIndex?: number,
  ): Promise<RecordedCall>;
  /** Calls `listener` with every call as it is recorded; returns a function that stops it. */
  onCall(listener: (c: RecordedCall) => void): () => void;
  /** Resolves once a `getUpdates` long poll is held (the bot is idle and listening). */
  waitForPoll(timeoutMs?: number): Promise<void>;
  /** callback_query id → answered? for every query injected by `press()`. */
  callbackAnswers(): Map<string, boolean>;
  /**
   * Commands stored by `setMyCommands` for a scope key and language (default `'default'`, `''`).
   * The scope key is the scope type, plus `:chat_id` and `:user_id` when the scope has them.
   */
  commands(scope?: string, languageCode?: string): BotCommand[];
  setChatMemberStatus(chatId: number, userId: number, status: MemberStatus): void;
  /**
   * Answers a held poll with `[]`, rejects pending `waitFor`s, closes every socket and stops the
   * server. Stop the bot first (`await bot.stop()`), or grammY keeps retrying a closed port.
   */
  close(): Promise<void>;
}
