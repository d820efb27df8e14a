/**
 * Public types of the fake Discord (REST + gateway) used by the end-to-end tests.
 *
 * Wire objects (messages, users, components) keep Discord's snake_case field names, because they
 * are exactly what the fake sent to, or received from, the real discord.js client.
 */

/** A guild the bot is in when it connects. */
export interface FakeGuildSpec {
  readonly id: string;
  readonly name: string;
  /** Discord locale code sent as `preferred_locale` and as `guild_locale` on interactions. */
  readonly preferredLocale?: string;
  /** Text channels; when omitted, one `general` channel with a generated id is created. */
  readonly channels?: ReadonlyArray<{ readonly id: string; readonly name: string }>;
}

/** Optional real-style rate limiting. Without it, headers are sent but nothing is refused. */
export interface FakeRateLimits {
  /** Bot-authenticated requests allowed per 1 s window (Discord: 50). Breaches answer a global 429. */
  readonly globalPerSecond?: number;
  /** Per-bucket window announced in `X-RateLimit-*` and enforced (default 50 per 1000 ms). */
  readonly perRoute?: { readonly limit: number; readonly windowMs: number };
}

/** Options of {@link startFakeDiscord}. Every field has a test-friendly default. */
export interface FakeDiscordOptions {
  /** Bot token the fake accepts (default `'fake-discord-token'`). */
  readonly token?: string;
  /** Application id, also the bot user's id (default `'100000000000000001'`). */
  readonly applicationId?: string;
  /** Bot username (default `'fake-bot'`). */
  readonly botUsername?: string;
  readonly guilds?: readonly FakeGuildSpec[];
  /** `shards` announced by `GET /gateway/bot` (default 1). */
  readonly shards?: number;
  /**
   * Guilds one shard may hold (Discord: 2,500). An IDENTIFY whose shard would hold more is closed
   * with 4011 "Sharding required", as Discord does (default 2500).
   */
  readonly maxGuildsPerShard?: number;
  /** `session_start_limit.max_concurrency` (default 1; @discordjs/ws then waits 5 s between shards). */
  readonly maxConcurrency?: number;
  /** HELLO `heartbeat_interval` in ms (default 41250). */
  readonly heartbeatInterval?: number;
  /** Initial-response deadline of an interaction in ms (default 3000, as on Discord). */
  readonly ackDeadlineMs?: number;
  /** Lifetime of an interaction token for webhooks in ms (default 15 minutes). */
  readonly tokenLifetimeMs?: number;
  readonly limits?: FakeRateLimits;
}

/** A Discord user known to the fake. `dmsClosed` may be flipped during a test. */
export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly globalName: string | null;
  /** Client locale sent as `locale` on this user's interactions (default `'en-US'`). */
  readonly locale: string;
  /** When true, `POST /channels/{dm}/messages` answers 403 / 50007. */
  dmsClosed: boolean;
  /** The member's `permissions` in every guild (default: all, as a server owner). */
  memberPermissions: string;
}

/** Input of {@link FakeDiscord.user}. */
export interface FakeUserSpec {
  readonly id: string;
  readonly username: string;
  readonly globalName?: string;
  readonly locale?: string;
  readonly dmsClosed?: boolean;
  /** The member's permissions bitfield in guilds (default: all). */
  readonly memberPermissions?: string;
}

/** A user object as Discord serialises it. */
export interface ApiUser {
  readonly id: string;
  readonly username: string;
  readonly discriminator: string;
  readonly global_name: string | null;
  readonly avatar: null;
  readonly bot?: boolean;
  readonly public_flags: number;
}

/** A message component as sent on the wire (action row, button, select, …). */
export interface FakeComponent {
  readonly type: number;
  readonly custom_id?: string;
  readonly label?: string;
  readonly style?: number;
  readonly url?: string;
  readonly disabled?: boolean;
  readonly components?: readonly FakeComponent[];
  readonly [key: string]: unknown;
}

/** A message as the fake stores and serves it (Discord's message object). */
export interface FakeMessage {
  readonly id: string;
  readonly channel_id: string;
  readonly type: number;
  readonly content: string;
  readonly author: ApiUser;
  readonly timestamp: string;
  readonly edited_timestamp: string | null;
  readonly tts: boolean;
  readonly mention_everyone: boolean;
  readonly mentions: readonly unknown[];
  readonly mention_roles: readonly string[];
  readonly attachments: readonly unknown[];
  readonly embeds: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly components: readonly FakeComponent[];
  readonly pinned: boolean;
  /** Bit 64 = ephemeral, 128 = loading (deferred, not yet edited). */
  readonly flags: number;
  readonly webhook_id?: string;
  readonly application_id?: string;
  readonly interaction_metadata?: Readonly<Record<string, unknown>>;
  readonly interaction?: Readonly<Record<string, unknown>>;
}

/** One REST request as received, with the fake's answer. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the `/api/v10` prefix and without the query, e.g. `/channels/1/messages`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The raw `Authorization` header, or null. */
  readonly auth: string | null;
  /** Parsed JSON body (`payload_json` for multipart), or undefined. */
  readonly body: unknown;
  readonly status: number;
  /** Parsed JSON answer, or undefined for 204. */
  readonly response: unknown;
  /** `Date.now()` when the request was received. */
  readonly at: number;
  /** Why the request counts as a client mistake; set exactly on entries of `violations`. */
  readonly violation?: string;
}

/**
 * An option of an injected command. `type` is taken from the registered command when omitted.
 * Subcommands and groups carry `options` instead of `value`.
 */
export interface SlashOption {
  readonly name: string;
  readonly type?: number;
  readonly value?: string | number | boolean;
  readonly options?: readonly SlashOption[];
}

/** A slash command invocation to inject. */
export interface SlashInput {
  readonly name: string;
  readonly options?: readonly SlashOption[];
  /** In this guild (member payload); when omitted, in the bot's DM with the user (context 1). */
  readonly guildId?: string;
  /** Guild channel; defaults to the guild's first channel. */
  readonly channelId?: string;
  /** Overrides the user's locale for this interaction. */
  readonly locale?: string;
  /** Skip the checks against registered commands (name, context, option types, choices). */
  readonly forge?: boolean;
}

/** An autocomplete invocation: the option named `focused` is being typed with `value`. */
export interface AutocompleteInput extends SlashInput {
  readonly focused: string;
  readonly value: string;
}

/** Handle of an injected interaction. */
export interface InjectedInteraction {
  readonly id: string;
  readonly token: string;
  /** 2 application command, 3 message component, 4 autocomplete. */
  readonly type: number;
  readonly userId: string;
  readonly guildId: string | null;
  readonly channelId: string;
  /** The INTERACTION_CREATE `d` object that was dispatched. */
  readonly payload: Readonly<Record<string, unknown>>;
}

/** Acknowledgement summary of one injected interaction. */
export interface AckSummary {
  readonly id: string;
  /** Callback requests received for it, accepted or refused (exactly-once means 1). */
  readonly count: number;
  /** Milliseconds from dispatch to the first accepted callback, or null if none was accepted. */
  readonly firstAckMs: number | null;
  /** Callback type of the first accepted callback, or null. */
  readonly type: number | null;
}

/** Selects requests for {@link FakeDiscord.fault} and {@link FakeDiscord.rateLimit}. */
export interface RequestMatch {
  readonly method: string;
  /** Tested against the path without `/api/v10` and without the query. */
  readonly path: RegExp;
}

/** A canned answer injected by {@link FakeDiscord.fault}. */
export interface FaultResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The fake Discord. Created by `startFakeDiscord`; destroy the discord.js client first, then
 * `close()` the fake. Methods that inject throw a `FakeDiscordUsageError` (a test mistake, never
 * sent to the bot) when asked for something no real Discord user could do, unless `forge` is set.
 */
export interface FakeDiscord {
  /** `http://127.0.0.1:PORT/api`, to pass as discord.js `rest.api`. */
  readonly apiUrl: string;
  /** `ws://127.0.0.1:PORT/gateway` (also what `GET /gateway/bot` announces). */
  readonly gatewayUrl: string;
  /** The only bot token accepted by REST and the gateway. */
  readonly token: string;
  /** Application id, also the bot user's id. */
  readonly applicationId: string;
  /** Every REST request, in arrival order. */
  readonly calls: readonly RecordedRequest[];
  /**
   * Requests refused because the client broke a rule: 50035/50006 validation, 40060 double ack,
   * 10062 late or unknown callback, 10015/50027 webhook misuse, 401, 404, breached rate limits.
   * Not 50007 (a user's choice) nor answers injected with `fault()` / `rateLimit()`.
   */
  readonly violations: readonly RecordedRequest[];
  /** Creates (or replaces) a user; every user shares every guild with the bot. */
  user(spec: FakeUserSpec): FakeUser;
  /**
   * Injects a CHAT_INPUT command: in a guild when `guildId` is given (member payload), else in the
   * bot's DM (user payload, context 1). The command must be registered (guild or global, usable in
   * that context) and options must fit its definition. Waits (≤ 5 s) for the shard to be connected.
   */
  slash(from: FakeUser, command: SlashInput): Promise<InjectedInteraction>;
  /** Injects an autocomplete interaction (type 4) for the option `focused`, typed as `value`. */
  autocomplete(from: FakeUser, command: AutocompleteInput): Promise<InjectedInteraction>;
  /**
   * Clicks a button on a message the bot really sent (channel, DM, interaction response or
   * follow-up; ephemeral ones only by the user they were shown to), using its current version.
   * Throws if there is no enabled, non-link button with that `custom_id`, unless `forge`.
   */
  click(
    from: FakeUser,
    message: FakeMessage,
    customId: string,
    opts?: { readonly forge?: boolean },
  ): Promise<InjectedInteraction>;
  /** Picks `values` in a select menu of a message the bot sent (same rules as `click`). */
  select(
    from: FakeUser,
    message: FakeMessage,
    customId: string,
    values: readonly string[],
    opts?: { readonly forge?: boolean },
  ): Promise<InjectedInteraction>;
  /**
   * Live messages of a channel or DM as last edited, oldest first, including interaction responses
   * and follow-ups; ephemeral ones are included (check `flags & 64`).
   */
  messages(channelId: string): FakeMessage[];
  /** A live message by id, as last edited. */
  message(messageId: string): FakeMessage | undefined;
  /** The DM channel id between the bot and `user`, once opened by the bot or a DM interaction. */
  dmChannelOf(user: FakeUser): string | undefined;
  /**
   * The message currently shown as the interaction's response: created by callback 4/5 (LOADING,
   * flag 128, until edited), or the component's message after callback 6/7; follows `@original`.
   */
  responseOf(interaction: InjectedInteraction): FakeMessage | undefined;
  /** Follow-up messages (webhook POSTs) of the interaction, excluding one that filled a deferral. */
  followUpsOf(interaction: InjectedInteraction): FakeMessage[];
  /** The accepted callback body (`type` and `data`), e.g. autocomplete choices or a modal. */
  callbackOf(interaction: InjectedInteraction): { type: number; data: unknown } | undefined;
  /**
   * The first recorded request (already received or future) matching `predicate`; rejects after
   * `timeoutMs` (default 2000) with the most recent requests in the message. `fromIndex` (an
   * earlier `calls.length`) skips the requests before it, so long runs do not rescan them all.
   */
  waitFor(
    predicate: (r: RecordedRequest) => boolean,
    timeoutMs?: number,
    fromIndex?: number,
  ): Promise<RecordedRequest>;
  /** The interaction's accepted callback request (see `waitFor`). */
  waitForAck(interaction: InjectedInteraction, timeoutMs?: number): Promise<RecordedRequest>;
  /** One entry per injected interaction, in injection order. */
  acknowledgements(): AckSummary[];
  /** A copy of the stored commands: global when `guildId` is undefined, else that guild's. */
  registeredCommands(guildId?: string): unknown[];
  /** The next `times` (default 1) matching requests get this answer (not a violation). */
  fault(match: RequestMatch, response: FaultResponse, times?: number): void;
  /**
   * The next matching request gets a 429 with Discord's body and headers (`Retry-After`,
   * `X-RateLimit-*`, `X-RateLimit-Scope`, and `X-RateLimit-Global` when global).
   */
  rateLimit(
    match: RequestMatch,
    retryAfterSeconds: number,
    opts?: { readonly global?: boolean },
  ): void;
  /** Sends a raw dispatch `{op:0, t, s, d}` on a shard; throws if the shard has no session. */
  dispatch(shard: number, t: string, d: unknown): void;
  /** Sends op 7 RECONNECT on a shard; the client resumes and missed dispatches are replayed. */
  reconnect(shard: number): void;
  /** Removes the bot from a guild: GUILD_DELETE (without `unavailable`) on the owning shard. */
  removeGuild(guildId: string): void;
  /** Shard ids with a live, identified gateway connection. */
  connectedShards(): number[];
  /** The `[shard_id, num_shards]` of every IDENTIFY accepted so far, in order. */
  identifies(): Array<readonly [number, number]>;
  /** Terminates every socket and stops the server. */
  close(): Promise<void>;
}
