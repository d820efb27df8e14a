import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Options,
  RESTEvents,
  type Interaction,
} from 'discord.js';
import type { FloodGuard, FloodVerdict } from '../../app/flood-guard.js';
import type { Localizer } from '../../app/localize.js';
import type { Logger } from '../../app/logger.js';
import type { WalkthroughService } from '../../app/service.js';
import { userHash } from '../../app/user-hash.js';
import type { Catalog } from '../../core/catalog.js';
import type { UpdateTracker } from '../../app/updates.js';
import { negotiateLanguage } from '../../core/language.js';
import { text } from '../../core/text.js';
import { commandDefinitions, syncCommands } from './commands.js';
import { escapeDiscord } from './format.js';
import { DiscordStartError, describeError, explainClose, explainFatal } from './errors.js';
import { actorOf, createInteractionHandler } from './interactions.js';

export { DiscordStartError };

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
  /** After how many ms a slow answer is deferred (default 1500; see `interactions.ts`). */
  readonly deferAfterMs?: number;
  /** Per-user flood control; none when undefined. */
  readonly flood?: FloodGuard;
  /** Times, logs and counts every interaction (and lets shutdown wait for those in flight). */
  readonly tracker?: UpdateTracker;
  /**
   * Gateway shards this process runs: `'auto'` (as many as Discord recommends) or a count; one
   * shard when undefined. Discord requires sharding from 2,500 servers.
   */
  readonly shards?: 'auto' | number;
}

/** A running Discord bot. */
export interface DiscordBot {
  readonly client: Client;
  /** Resolves after `stop()`; rejects when Discord ends the session for good (e.g. a reset token). */
  readonly stopped: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The discord.js client: only the `Guilds` intent (interactions need none; no privileged
 * intents), and caches kept to what the bot uses, so memory stays small in many servers. Users,
 * members, messages and emojis are not cached; DM channels are never cached (see `sendDm`).
 */
export function createDiscordClient(apiUrl: string, shards?: 'auto' | number): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    ...(shards === 'auto'
      ? { shards: 'auto' as const }
      : shards === undefined
        ? {}
        : { shards: [...Array(shards).keys()], shardCount: shards }),
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
  const client = createDiscordClient(options.apiUrl, options.shards);
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

  /**
   * Answers a user sending a stream of commands or clicks without doing the work: Discord wants
   * every interaction acknowledged, so a click is acknowledged silently, anything else gets
   * "slow down" (in the client's language: no database work during a flood).
   */
  const slowDown = async (interaction: Interaction, verdict: FloodVerdict): Promise<void> => {
    if (interaction.isAutocomplete()) return interaction.respond([]);
    if (!interaction.isRepliable()) return;
    if (interaction.isMessageComponent() && verdict === 'ignore') {
      await interaction.deferUpdate();
      return;
    }
    const language = negotiateLanguage({ platformLocale: interaction.locale }, languages);
    const content = escapeDiscord(localizer.text(text('ui:privacy.slowDown'), language));
    await interaction.reply({ content, flags: MessageFlags.Ephemeral });
  };

  let stopping = false;
  const boundary = async (interaction: Interaction): Promise<void> => {
    try {
      const verdict = options.flood?.check(interaction.user.id) ?? 'allow';
      if (verdict === 'allow') await handle(interaction);
      else await slowDown(interaction, verdict);
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

  const tracker = options.tracker;
  client.on(Events.InteractionCreate, (interaction) => {
    // Once stopping, new interactions are left to fail on Discord's side rather than half-done.
    if (stopping) return;
    void (tracker
      ? tracker.track('discord', kindOf(interaction), () => boundary(interaction))
      : boundary(interaction));
  });
  // Removed from a server (an outage emits GuildUnavailable instead): its settings go; members'
  // own progress stays theirs.
  client.on(Events.GuildDelete, (guild) => {
    service.removeCommunity({ platform: 'discord', communityId: guild.id }).then(
      () => log.info('discord: removed from a server; its community settings were deleted'),
      (error: unknown) =>
        log.error({ err: describeError(error) }, "discord: could not delete a server's settings"),
    );
  });
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
      // Interactions in flight finish (at most 10 s) before the connection closes.
      if (tracker && !(await tracker.drain(10_000)))
        log.warn(
          { inFlight: tracker.inFlight() },
          'discord: interactions still running at shutdown',
        );
      await client.destroy();
      finish();
    },
  };
}
