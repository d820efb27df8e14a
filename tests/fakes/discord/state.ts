import type { FakeConfig } from './config.js';
import { botUser } from './objects.js';
import type { ApiUser, FakeMessage, FakeUser } from './types.js';
import type { MessageFields } from './validate-message.js';

/** A text channel of a guild (type 0) or the DM between the bot and one user (type 1). */
export interface ChannelState {
  readonly id: string;
  readonly type: 0 | 1;
  readonly name: string | null;
  readonly guildId: string | null;
  readonly recipientId: string | null;
  readonly position: number;
}

/** A guild the bot is in. */
export interface GuildState {
  readonly id: string;
  readonly name: string;
  readonly preferredLocale: string;
  readonly channels: readonly ChannelState[];
  readonly joinedAt: string;
}

/** A message and who may see it. */
export interface StoredMessage {
  message: FakeMessage;
  fields: MessageFields;
  /** Ephemeral messages are visible to this user only. */
  readonly visibleTo: string | null;
  /** The interaction whose response or follow-up this is. */
  readonly interactionId: string | null;
  deleted: boolean;
}

/** Everything the fake knows about one injected interaction. */
export interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  /** 2 command, 3 component, 4 autocomplete. */
  readonly type: number;
  readonly user: FakeUser;
  readonly guildId: string | null;
  readonly channelId: string;
  readonly payload: Record<string, unknown>;
  /** `Date.now()` when INTERACTION_CREATE was written to the socket. */
  readonly dispatchedAt: number;
  /** The message a component was on. */
  readonly sourceMessageId: string | null;
  callbacks: number;
  firstAckAt: number | null;
  ackType: number | null;
  ackBody: { type: number; data: unknown } | null;
  /** The message `@original` designates, once there is one. */
  originalMessageId: string | null;
  /** True between a type-5 callback and the edit or first follow-up that fills it. */
  loading: boolean;
  readonly followUpIds: string[];
}

/** A command as stored and served back (Discord's application command object). */
export type StoredCommand = Record<string, unknown> & {
  readonly id: string;
  readonly name: string;
  readonly type: number;
};

/** Key of the global command scope in {@link World.commands}. */
export const GLOBAL_SCOPE = 'global';

/**
 * The fake's in-memory Discord: users, guilds, channels, messages, interactions and commands.
 * Pure data with small lookups; the REST routes and the gateway mutate it.
 */
export class World {
  readonly bot: ApiUser;
  readonly users = new Map<string, FakeUser>();
  readonly guilds = new Map<string, GuildState>();
  readonly channels = new Map<string, ChannelState>();
  readonly dmByUser = new Map<string, string>();
  readonly messages = new Map<string, StoredMessage>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly commands = new Map<string, StoredCommand[]>();

  constructor(
    readonly config: FakeConfig,
    readonly nextId: () => string,
  ) {
    this.bot = botUser(config);
    for (const spec of config.guilds) {
      const specs = spec.channels?.length ? spec.channels : [{ id: nextId(), name: 'general' }];
      const channels = specs.map((c, position) => ({
        id: c.id,
        type: 0 as const,
        name: c.name,
        guildId: spec.id,
        recipientId: null,
        position,
      }));
      this.guilds.set(spec.id, {
        id: spec.id,
        name: spec.name,
        preferredLocale: spec.preferredLocale ?? 'en-US',
        channels,
        joinedAt: new Date().toISOString(),
      });
      for (const channel of channels) this.channels.set(channel.id, channel);
    }
  }

  /** The DM channel with `userId`, created on first use (Discord returns the same one again). */
  openDm(userId: string): ChannelState {
    const existing = this.dmByUser.get(userId);
    const known = existing === undefined ? undefined : this.channels.get(existing);
    if (known) return known;
    const channel: ChannelState = {
      id: this.nextId(),
      type: 1,
      name: null,
      guildId: null,
      recipientId: userId,
      position: 0,
    };
    this.channels.set(channel.id, channel);
    this.dmByUser.set(userId, channel.id);
    return channel;
  }

  /** Commands of a scope (global when `guildId` is undefined or null). */
  commandsOf(guildId: string | null | undefined): StoredCommand[] {
    const key = guildId ?? GLOBAL_SCOPE;
    const list = this.commands.get(key) ?? [];
    this.commands.set(key, list);
    return list;
  }

  /** Current, non-deleted messages of a channel, oldest first. */
  channelMessages(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter(
      (m) => m.message.channel_id === channelId && !m.deleted,
    );
  }

  /** A live message by id. */
  liveMessage(id: string | null): StoredMessage | undefined {
    const stored = id === null ? undefined : this.messages.get(id);
    return stored && !stored.deleted ? stored : undefined;
  }

  /** An interaction by its webhook token. */
  interactionByToken(token: string): InteractionRecord | undefined {
    return [...this.interactions.values()].find((i) => i.token === token);
  }
}
