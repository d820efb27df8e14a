import {
  Client,
  DiscordAPIError,
  DiscordjsError,
  DiscordjsErrorCodes,
  Events,
  GatewayCloseCodes,
  GatewayIntentBits,
  HTTPError,
  MessageFlags,
  Options,
  RESTEvents,
  RESTJSONErrorCodes,
  type Interaction,
} from 'discord.js';
import type { Localizer } from '../../app/localize.js';
import type { Logger } from '../../app/logger.js';
import type { WalkthroughService } from '../../app/service.js';
import { userHash } from '../../app/user-hash.js';
import type { Catalog } from '../../core/catalog.js';
import { negotiateLanguage } from '../../core/language.js';
import { text } from '../../core/text.js';
import { commandDefinitions, syncCommands } from './commands.js';
import { escapeDiscord } from './format.js';
import { actorOf, createInteractionHandler } from './interactions.js';

/** What the Discord adapter needs. */
export interface DiscordOptions {
  readonly token: string;
  /** Discord's REST base, without the version (`https://discord.com/api`). */
  readonly apiUrl: string;
  /** Registers the commands in this server only (instant updates while developing). */
  readonly guildId?: string;
  readonly service: WalkthroughService;
  /** A localizer in the 'discord' time style (`<t:unix:R>`). */
  readonly localizer: Localizer;
  /** The guides, for the autocomplete of `/optout start`. */
  readonly catalog: Catalog;
  readonly languages: readonly string[];
  readonly log: Logger;
  /** See {@link InteractionDeps.deferAfterMs}. */
  readonly deferAfterMs?: number;
}

/** A running Discord bot. */
export interface DiscordBot {
  readonly client: Client;
  /** Resolves after `stop()`; rejects when Discord ends the session for good (e.g. a reset token). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

/** Discord refused to start the bot: the message says what to do. */
export class DiscordStartError extends Error {
  override readonly name = 'DiscordStartError';
}

/**
 * The discord.js client: only the `Guilds` intent (interactions need none; no privileged
 * intents), and caches kept to what the bot uses, so memory stays small in many servers. Users,
 * members, messages and emojis are not cached; DM channels are never cached (see `sendDm`).
 */
export function createDiscordClient(apiUrl: string): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: apiUrl },
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      DMMessageManager: 0,
      GuildMessageManager: 0,
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
      GuildMemberManager: {
        maxSize: 0,
        keepOverLimit: (member) => member.id === member.client.user.id,
      },
      ApplicationCommandManager: 0,
      ApplicationEmojiManager: 0,
      AutoModerationRuleManager: 0,
      BaseGuildEmojiManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      GuildBanManager: 0,
      GuildInviteManager: 0,
      GuildScheduledEventManager: 0,
      EntitlementManager: 0,
      PresenceManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      StageInstanceManager: 0,
      ThreadManager: 0,
      ThreadMemberManager: 0,
      GuildForumThreadManager: 0,
      GuildTextThreadManager: 0,
      VoiceStateManager: 0,
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      messages: { interval: 3_600, lifetime: 1_800 },
    },
  });
}

/** An error as a log field: never the request URL, which can hold an interaction token. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError) {
    return {
      type: error.name,
      status: error.status,
      code: error.code,
      method: error.method,
      message: error.message,
    };
  }
  if (error instanceof HTTPError) {
    return { type: error.name, status: error.status, method: error.method };
  }
  if (error instanceof Error) {
    return { type: error.name, message: error.message, stack: error.stack };
  }
  return { type: typeof error, message: String(error) };
}

/** What kind of interaction, for logs (no names, no typed values). */
function kindOf(interaction: Interaction): string {
  if (interaction.isChatInputCommand()) {
    const sub = interaction.options.getSubcommand(false);
    return `command /${interaction.commandName}${sub ? ` ${sub}` : ''}`;
  }
  if (interaction.isAutocomplete()) return `autocomplete /${interaction.commandName}`;
  if (interaction.isMessageComponent()) return 'button';
  return `interaction type ${interaction.type}`;
}

/** Turns the ways Discord refuses to start or ends a session into messages that say what to do. */
export function explainFatal(error: unknown): Error {
  if (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) {
    return new DiscordStartError(
      'Discord refused the token (401 Unauthorized): copy DISCORD_BOT_TOKEN again from the Developer Portal (Bot › Reset Token).',
    );
  }
  if (
    error instanceof DiscordAPIError &&
    error.code === (RESTJSONErrorCodes.MissingAccess as number)
  ) {
    return new DiscordStartError(
      'Discord refused to register the commands in DISCORD_GUILD_ID (Missing Access): invite the bot to that server with the "bot applications.commands" scopes, or unset DISCORD_GUILD_ID.',
    );
  }
  if (error instanceof DiscordStartError) return error;
  const what = error instanceof Error ? error.message : String(error);
  return new DiscordStartError(
    `Could not start the Discord bot: ${what}. Check DISCORD_API_URL and the network.`,
  );
}

function explainClose(code: number): DiscordStartError {
  if (code === (GatewayCloseCodes.AuthenticationFailed as number)) {
    return new DiscordStartError(
      'Discord ended the session: the token is no longer valid (4004). Copy DISCORD_BOT_TOKEN again from the Developer Portal (Bot › Reset Token), then start again.',
    );
  }
  return new DiscordStartError(
    `Discord ended the session for good (gateway close code ${code}). Check the bot's settings in the Developer Portal, then start again.`,
  );
}

/**
 * Starts the Discord adapter: logs in with only the `Guilds` intent, waits until ready,
 * registers the commands if they changed, and routes every interaction through one error
 * boundary, so a failing interaction is logged with its context, answered kindly, and never
 * takes the client down.
 *
 * @throws DiscordStartError when the token is refused, Discord cannot be reached, or the
 *   commands cannot be registered.
 */
export async function startDiscord(options: DiscordOptions): Promise<DiscordBot> {
  const { service, localizer, languages, log } = options;
  const client = createDiscordClient(options.apiUrl);
  const handle = createInteractionHandler({
    service,
    localizer,
    catalog: options.catalog,
    log,
    ...(options.deferAfterMs === undefined ? {} : { deferAfterMs: options.deferAfterMs }),
  });

  /** Tells the user their request failed, in the way this interaction still allows. */
  const apologize = async (interaction: Interaction): Promise<void> => {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
      return;
    }
    if (!interaction.isRepliable()) return;
    const actor = actorOf(interaction);
    const language = await service
      .languageOf(actor)
      .catch(() => negotiateLanguage({ platformLocale: interaction.locale }, languages));
    const content = escapeDiscord(localizer.text(text('ui:discord.error'), language));
    if (interaction.deferred || interaction.replied) {
      await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
    } else {
      await interaction.reply({ content, flags: MessageFlags.Ephemeral });
    }
  };

  let stopping = false;
  const boundary = async (interaction: Interaction): Promise<void> => {
    try {
      await handle(interaction);
    } catch (error) {
      const context = {
        interaction: interaction.id,
        kind: kindOf(interaction),
        context: interaction.context,
        user: userHash(actorOf(interaction)),
      };
      log.error({ ...context, err: describeError(error) }, 'discord: interaction failed');
      await apologize(interaction).catch((replyError: unknown) =>
        log.warn(
          { ...context, err: describeError(replyError) },
          'discord: could not tell the user about the failure',
        ),
      );
    }
  };

  client.on(Events.InteractionCreate, (interaction) => void boundary(interaction));
  client.on(Events.Error, (error) => log.error({ err: describeError(error) }, 'discord: error'));
  client.on(Events.Warn, (message) => log.warn({ message }, 'discord: warning'));
  client.on(Events.ShardError, (error, shard) =>
    log.warn({ shard, err: describeError(error) }, 'discord: gateway connection error'),
  );
  client.on(Events.ShardReconnecting, (shard) => {
    if (!stopping) log.debug({ shard }, 'discord: reconnecting');
  });
  client.on(Events.ShardResume, (shard) => log.debug({ shard }, 'discord: session resumed'));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    log.debug(
      { route: info.route, retryAfterMs: info.retryAfter, global: info.global },
      'discord: rate limited; waiting',
    ),
  );

  let finish = (): void => undefined;
  const stopped = new Promise<void>((resolve, reject) => {
    finish = resolve;
    client.on(Events.ShardDisconnect, (event, shard) => {
      if (stopping) return;
      log.fatal({ shard, code: event.code }, 'discord: session ended by Discord');
      reject(explainClose(event.code));
    });
  });
  // `stopped` is for whoever watches the bot; an unwatched rejection must not end the process.
  stopped.catch(() => undefined);
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));

  try {
    await client.login(options.token);
    await Promise.race([ready, stopped]);
    const application = client.application;
    if (!application) throw new DiscordStartError('Discord sent no application on READY.');
    const definitions = commandDefinitions(localizer, languages, {
      global: options.guildId === undefined,
    });
    const changed = await syncCommands(client.rest, application.id, definitions, options.guildId);
    log.info(
      { changed, scope: options.guildId === undefined ? 'global' : 'guild' },
      'discord: commands checked',
    );
  } catch (error) {
    stopping = true;
    await client.destroy();
    throw explainFatal(error);
  }
  log.info({ guilds: client.guilds.cache.size }, 'discord: connected, answering interactions');
  return {
    client,
    stopped,
    stop: async () => {
      stopping = true;
      await client.destroy();
      finish();
    },
  };
}
