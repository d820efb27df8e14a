import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  RESTEvents,
  type Interaction,
} from 'discord.js';
import { discordCache, discordSweepers } from './cache.js';
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
   * Whether this process registers the commands (default true). The shards that a sharding
   * manager starts leave it to the manager, so the commands are checked once, not once per shard.
   */
  readonly registerCommands?: boolean;
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
 * One gateway shard, or, in a process started by discord.js's `ShardingManager`, the shard it
 * names (discord.js reads `SHARDS` and `SHARD_COUNT` from the environment).
 */
export function createDiscordClient(apiUrl: string): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: apiUrl },
    makeCache: discordCache(),
    sweepers: discordSweepers,
  });
}

/**
 * Registers the commands if they changed (globally, or in `guildId` only), and logs whether they
 * did. Throws the REST error (see `syncCommands`).
 */
export async function checkCommands(
  rest: Client['rest'],
  applicationId: string,
  options: Pick<DiscordOptions, 'localizer' | 'languages' | 'log' | 'guildId'>,
): Promise<void> {
  const global = options.guildId === undefined;
  const definitions = commandDefinitions(options.localizer, options.languages, { global });
  const changed = await syncCommands(rest, applicationId, definitions, options.guildId);
  options.log.info({ changed, scope: global ? 'global' : 'guild' }, 'discord: commands checked');
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
  /** Why Discord closed the session for good, if it did (login reports it as a bare Error). */
  let closed: DiscordStartError | undefined;
  const stopped = new Promise<void>((resolve, reject) => {
    finish = resolve;
    client.on(Events.ShardDisconnect, (event, shard) => {
      if (stopping) return;
      closed = explainClose(event.code);
      log.fatal({ shard, code: event.code }, 'discord: session ended by Discord');
      reject(closed);
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
    if (options.registerCommands ?? true) {
      await checkCommands(client.rest, application.id, options);
    }
  } catch (error) {
    stopping = true;
    await client.destroy();
    throw closed ?? explainFatal(error);
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
