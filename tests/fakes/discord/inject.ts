import { randomBytes } from 'node:crypto';
import { buildOptions } from './command-options.js';
import { FakeDiscordUsageError } from './config.js';
import { isRecord } from './form-errors.js';
import type { FakeGateway } from './gateway.js';
import { componentData, interactionEnvelope, type InteractionScene } from './payloads.js';
import { shardOfGuild } from './snowflake.js';
import type { ChannelState, GuildState, StoredCommand, World } from './state.js';
import type {
  AutocompleteInput,
  FakeMessage,
  FakeUser,
  InjectedInteraction,
  SlashInput,
} from './types.js';
import { findComponent } from './validate-components.js';
import { InteractionType } from './validate-callback.js';

/** How long an injection waits for the target shard to be connected. */
const SHARD_WAIT_MS = 5_000;
const SELECT_TYPES = [3, 5, 6, 7, 8];

/**
 * Builds and dispatches INTERACTION_CREATE events the way a Discord client would produce them,
 * refusing (with a {@link FakeDiscordUsageError}) what no real user could do unless `forge` is set.
 */
export class Injector {
  constructor(
    private readonly world: World,
    private readonly gateway: FakeGateway,
  ) {}

  /** A CHAT_INPUT command in a guild or in the bot's DM. */
  async slash(from: FakeUser, input: SlashInput): Promise<InjectedInteraction> {
    return this.command(from, input, InteractionType.Command);
  }

  /** An autocomplete request for the option `input.focused`. */
  async autocomplete(from: FakeUser, input: AutocompleteInput): Promise<InjectedInteraction> {
    return this.command(from, input, InteractionType.Autocomplete);
  }

  /** A button click on a message the bot sent. */
  async click(
    from: FakeUser,
    message: FakeMessage,
    customId: string,
    forge: boolean,
  ): Promise<InjectedInteraction> {
    const current = this.visibleMessage(from, message, forge);
    const component = findComponent(current.components, customId);
    if (!forge) {
      if (!component || component.type !== 2) {
        fail(
          `message ${current.id} has no button "${customId}" (custom_ids: ${listIds(current).join(', ') || 'none'})`,
        );
      }
      if (component.style === 5)
        fail(`button "${customId}" is a link button; it opens a URL, not an interaction`);
      if (component.disabled === true) fail(`button "${customId}" is disabled`);
    }
    return this.component(from, current, componentData(customId, 2));
  }

  /** A choice in a select menu on a message the bot sent. */
  async select(
    from: FakeUser,
    message: FakeMessage,
    customId: string,
    values: readonly string[],
    forge: boolean,
  ): Promise<InjectedInteraction> {
    const current = this.visibleMessage(from, message, forge);
    const component = findComponent(current.components, customId);
    const type = typeof component?.type === 'number' ? component.type : 3;
    if (!forge) {
      if (!component || !SELECT_TYPES.includes(type))
        fail(`message ${current.id} has no select "${customId}"`);
      if (component.disabled === true) fail(`select "${customId}" is disabled`);
      const min = typeof component.min_values === 'number' ? component.min_values : 1;
      const max = typeof component.max_values === 'number' ? component.max_values : 1;
      if (values.length < min || values.length > max)
        fail(`select "${customId}" takes ${min}–${max} values`);
      if (type === 3) {
        const allowed = (Array.isArray(component.options) ? component.options : [])
          .filter(isRecord)
          .map((o) => o.value);
        const unknown = values.filter((v) => !allowed.includes(v));
        if (unknown.length > 0) fail(`select "${customId}" has no option(s) ${unknown.join(', ')}`);
      }
    }
    return this.component(from, current, componentData(customId, type, values));
  }

  private async command(
    from: FakeUser,
    input: SlashInput,
    type: number,
  ): Promise<InjectedInteraction> {
    this.requireUser(from);
    const guild = input.guildId === undefined ? null : this.guild(input.guildId);
    const channel = guild ? this.guildChannel(guild, input.channelId) : this.world.openDm(from.id);
    const forge = input.forge === true;
    const registered = forge ? undefined : this.findCommand(input.name, guild);
    const focused =
      'focused' in input
        ? { name: String(input.focused), value: String((input as AutocompleteInput).value) }
        : undefined;
    const built = buildOptions(
      {
        world: this.world,
        guild,
        command: `/${input.name}`,
        partial: type === InteractionType.Autocomplete,
        ...(focused ? { focused } : {}),
      },
      registered ? (Array.isArray(registered.options) ? registered.options : []) : null,
      input.options ?? [],
    );
    const data: Record<string, unknown> = {
      id: registered?.id ?? this.world.nextId(),
      name: input.name,
      type: 1,
      ...(built.options.length > 0 ? { options: built.options } : {}),
      ...(Object.keys(built.resolved).length > 0 ? { resolved: built.resolved } : {}),
      ...(typeof registered?.guild_id === 'string' ? { guild_id: registered.guild_id } : {}),
    };
    return this.inject(from, input.locale, guild, channel, type, data, null);
  }

  private async component(
    from: FakeUser,
    message: FakeMessage,
    data: Record<string, unknown>,
  ): Promise<InjectedInteraction> {
    const channel = this.world.channels.get(message.channel_id);
    if (!channel) fail(`message ${message.id} is in unknown channel ${message.channel_id}`);
    const guild = channel.guildId === null ? null : this.guild(channel.guildId);
    return this.inject(from, undefined, guild, channel, InteractionType.Component, data, message);
  }

  private async inject(
    from: FakeUser,
    locale: string | undefined,
    guild: GuildState | null,
    channel: ChannelState,
    type: number,
    data: Record<string, unknown>,
    message: FakeMessage | null,
  ): Promise<InjectedInteraction> {
    const shard = guild ? shardOfGuild(guild.id, this.gateway.shardCount()) : 0;
    await this.gateway.waitForShard(shard, SHARD_WAIT_MS);
    const id = this.world.nextId();
    const token = Buffer.from(
      `interaction:${id}:${randomBytes(48).toString('base64url')}`,
    ).toString('base64url');
    const scene: InteractionScene = {
      id,
      token,
      applicationId: this.world.config.applicationId,
      user: from,
      locale: locale ?? from.locale,
      guild,
      channel,
    };
    const payload = interactionEnvelope(scene, type, data, message ?? undefined);
    this.world.interactions.set(id, {
      id,
      token,
      type,
      user: from,
      guildId: guild?.id ?? null,
      channelId: channel.id,
      payload,
      dispatchedAt: Date.now(),
      sourceMessageId: message?.id ?? null,
      callbacks: 0,
      firstAckAt: null,
      ackType: null,
      ackBody: null,
      originalMessageId: null,
      loading: false,
      followUpIds: [],
    });
    this.gateway.dispatch(shard, 'INTERACTION_CREATE', payload);
    return {
      id,
      token,
      type,
      userId: from.id,
      guildId: guild?.id ?? null,
      channelId: channel.id,
      payload,
    };
  }

  /** The current version of a message, if `from` can see it. */
  private visibleMessage(from: FakeUser, message: FakeMessage, forge: boolean): FakeMessage {
    this.requireUser(from);
    const stored = this.world.liveMessage(message.id);
    if (!stored) {
      if (forge) return message;
      fail(`message ${message.id} does not exist (never sent by the bot, or deleted)`);
    }
    if (!forge && stored.visibleTo !== null && stored.visibleTo !== from.id) {
      fail(`message ${message.id} is ephemeral and visible only to user ${stored.visibleTo}`);
    }
    const channel = this.world.channels.get(stored.message.channel_id);
    if (!forge && channel?.recipientId !== null && channel?.recipientId !== from.id) {
      fail(`message ${message.id} is in another user's DM`);
    }
    return stored.message;
  }

  /** The registered command a user could invoke here: guild commands, then global ones. */
  private findCommand(name: string, guild: GuildState | null): StoredCommand {
    const candidates = [
      ...(guild ? this.world.commandsOf(guild.id) : []),
      ...this.world.commandsOf(null),
    ];
    const command = candidates.find((c) => c.type === 1 && c.name === name);
    if (!command) {
      const names = candidates.filter((c) => c.type === 1).map((c) => `/${c.name}`);
      fail(
        `/${name} is not registered ${guild ? `in guild ${guild.id} or globally` : 'globally'} (registered: ${names.join(', ') || 'none'}); register it first or pass forge: true`,
      );
    }
    if (!guild && !allowedInDm(command))
      fail(`/${name} is not available in DMs (contexts/dm_permission)`);
    if (
      guild &&
      command.guild_id === undefined &&
      Array.isArray(command.contexts) &&
      !command.contexts.includes(0)
    ) {
      fail(`/${name} is not available in guilds (contexts)`);
    }
    return command;
  }

  private requireUser(user: FakeUser): void {
    if (!this.world.users.has(user.id)) fail(`user ${user.id} was not created with fake.user()`);
  }

  private guild(id: string): GuildState {
    const guild = this.world.guilds.get(id);
    if (!guild) fail(`the bot is not in guild ${id}`);
    return guild;
  }

  private guildChannel(guild: GuildState, channelId: string | undefined): ChannelState {
    const channel =
      channelId === undefined ? guild.channels[0] : guild.channels.find((c) => c.id === channelId);
    if (!channel) fail(`guild ${guild.id} has no channel ${channelId ?? '(none)'}`);
    return channel;
  }
}

/** A global command usable in the bot's DM: `contexts` includes 1, or unset and `dm_permission` not false. */
function allowedInDm(command: StoredCommand): boolean {
  if (command.guild_id !== undefined) return false;
  if (Array.isArray(command.contexts)) return command.contexts.includes(1);
  return command.dm_permission !== false;
}

function listIds(message: FakeMessage): string[] {
  const ids: string[] = [];
  const walk = (items: readonly unknown[]): void => {
    for (const item of items) {
      if (!isRecord(item)) continue;
      if (typeof item.custom_id === 'string') ids.push(item.custom_id);
      if (Array.isArray(item.components)) walk(item.components);
      if (isRecord(item.accessory)) walk([item.accessory]);
    }
  };
  walk(message.components);
  return ids;
}

function fail(message: string): never {
  throw new FakeDiscordUsageError(`fake-discord: ${message}`);
}
