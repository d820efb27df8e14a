import type { FakeConfig } from './config.js';
import type { ChannelState, GuildState } from './state.js';
import type { ApiUser, FakeMessage, FakeUser } from './types.js';
import type { MessageFields } from './validate-message.js';

/** All permissions a server owner has, as a string bitfield. */
export const ALL_PERMISSIONS = '2251799813685247';
/** What a typical bot role grants (send, embed, read history, use commands, …). */
export const BOT_PERMISSIONS = '2248473465835073';

/** The bot's user object (id = application id, `bot: true`). */
export function botUser(config: FakeConfig): ApiUser {
  return {
    id: config.applicationId,
    username: config.botUsername,
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot: true,
    public_flags: 0,
  };
}

/** A human user's object. */
export function apiUser(user: FakeUser): ApiUser {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.globalName,
    avatar: null,
    public_flags: 0,
  };
}

/** A guild member object (without `user` when `withUser` is false, as in `resolved.members`). */
export function apiMember(
  user: ApiUser,
  joinedAt: string,
  withUser = true,
): Record<string, unknown> {
  return {
    ...(withUser ? { user } : {}),
    roles: [],
    joined_at: joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    nick: null,
    avatar: null,
    communication_disabled_until: null,
  };
}

/** A channel object: a guild text channel or a DM with `recipients`. */
export function apiChannel(
  channel: ChannelState,
  recipient: ApiUser | null,
): Record<string, unknown> {
  if (channel.type === 1) {
    return {
      id: channel.id,
      type: 1,
      last_message_id: null,
      flags: 0,
      recipients: recipient ? [recipient] : [],
    };
  }
  return {
    id: channel.id,
    type: 0,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    permission_overwrites: [],
    topic: null,
    nsfw: false,
    parent_id: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

/** The full guild object of GUILD_CREATE (platforms.md B3), including the bot's own member. */
export function guildCreatePayload(guild: GuildState, bot: ApiUser): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: '300000000000000001',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    system_channel_id: guild.channels[0]?.id ?? null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    preferred_locale: guild.preferredLocale,
    max_members: 500_000,
    max_video_channel_users: 25,
    premium_progress_bar_enabled: false,
    application_id: null,
    roles: [
      {
        id: guild.id,
        name: '@everyone',
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: '1071698660929',
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    // GUILD_CREATE channels carry no guild_id; discord.js fills it in.
    channels: guild.channels.map((c) => {
      const channel = apiChannel(c, null);
      delete channel.guild_id;
      return channel;
    }),
    members: [apiMember(bot, guild.joinedAt)],
    member_count: 2,
    joined_at: guild.joinedAt,
    large: false,
    unavailable: false,
    lazy: true,
    emojis: [],
    stickers: [],
    features: [],
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
  };
}

/** What a new message is made of, besides its content fields. */
export interface NewMessage {
  readonly id: string;
  readonly channelId: string;
  readonly author: ApiUser;
  readonly fields: MessageFields;
  /** 0 default, 19 reply, 20 chat-input command response. */
  readonly type: number;
  readonly applicationId?: string;
  readonly interactionMetadata?: Record<string, unknown>;
  readonly interaction?: Record<string, unknown>;
}

/** Builds a Discord message object. */
export function buildMessage(spec: NewMessage): FakeMessage {
  return {
    id: spec.id,
    channel_id: spec.channelId,
    type: spec.type,
    content: spec.fields.content,
    author: spec.author,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: spec.fields.attachments,
    embeds: spec.fields.embeds,
    components: spec.fields.components,
    pinned: false,
    flags: spec.fields.flags,
    ...(spec.applicationId === undefined
      ? {}
      : { webhook_id: spec.applicationId, application_id: spec.applicationId }),
    ...(spec.interactionMetadata ? { interaction_metadata: spec.interactionMetadata } : {}),
    ...(spec.interaction ? { interaction: spec.interaction } : {}),
  };
}

/** The message after an edit: new fields, `edited_timestamp` set (not for a first fill of LOADING). */
export function editedMessage(
  message: FakeMessage,
  fields: MessageFields,
  fill: boolean,
): FakeMessage {
  return {
    ...message,
    content: fields.content,
    embeds: fields.embeds,
    components: fields.components,
    attachments: fields.attachments,
    flags: fields.flags,
    edited_timestamp: fill ? message.edited_timestamp : new Date().toISOString(),
  };
}
