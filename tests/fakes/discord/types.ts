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
}

/** Input of {@link FakeDiscord.user}. */
export interface FakeUserSpec {
  readonly id: string;
  readonly username: string;
  readonly globalName?: string;
  readonly locale?: string;
  readonly dmsClosed?: boolean;
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

/** The fake Discord. Created by {@link startFakeDiscord}; always `close()` it. */
export interface FakeDiscord {
  /** `http://127.0.0.1:PORT/api`, to pass as discord.js `rest.api`. */
  readonly apiUrl: string;
  /** `ws://127.0.0.1:PORT/gateway`. */
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  /** Every REST request, in arrival order. */
  readonly calls: readonly RecordedRequest[];
  /** Requests refused because the client broke a rule (50035, 40060, 10062, 401, 404, …). */
  readonly violations: readonly RecordedRequest[];
  user(spec: FakeUserSpec): FakeUser;
  slash(from: FakeUser, command: SlashInput): Promise<InjectedInteraction>;
  autocomplete(from: FakeUser, command: AutocompleteInput): Promise<InjectedInteraction>;
  click(
    from: FakeUser,
    message: FakeMessage,
    customId: string,
    opts?: { readonly forge?: boolean },
  ): Promise<InjectedInteraction>;
  select(
    from: FakeUser,
    message: FakeMessage,
    customId: string,
    values: readonly string[],
    opts?: { readonly forge?: boolean },
  ): Promise<InjectedInteraction>;
  messages(channelId: string): FakeMessage[];
  message(messageId: string): FakeMessage | undefined;
  dmChannelOf(user: FakeUser): string | undefined;
  responseOf(interaction: InjectedInteraction): FakeMessage | undefined;
  followUpsOf(interaction: InjectedInteraction): FakeMessage[];
  callbackOf(interaction: InjectedInteraction): { type: number; data: unknown } | undefined;
  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  waitForAck(interaction: InjectedInteraction, timeoutMs?: number): Promise<RecordedRequest>;
  acknowledgements(): AckSummary[];
  registeredCommands(guildId?: string): unknown[];
  fault(match: RequestMatch, response: FaultResponse, times?: number): void;
  rateLimit(
    match: RequestMatch,
    retryAfterSeconds: number,
    opts?: { readonly global?: boolean },
  ): void;
  dispatch(shard: number, t: string, d: unknown): void;
  reconnect(shard: number): void;
  removeGuild(guildId: string): void;
  connectedShards(): number[];
  close(): Promise<void>;
}
