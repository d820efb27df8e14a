import { Collection, Options, type CacheFactory, type Client } from 'discord.js';

/**
 * What discord.js keeps in memory. The bot answers interactions, whose payloads carry what it
 * needs, so it caches almost nothing: no users or members (but itself), channels, messages,
 * emojis, stickers, threads, invites, voice states or presences. Only the servers (their
 * removal, `GuildDelete`, deletes their settings) and their roles stay cached.
 */
const settings = {
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
} satisfies Parameters<typeof Options.cacheWithLimits>[0];

/**
 * Channels: discord.js does not let `cacheWithLimits` limit them, because code reading the
 * channel caches breaks (resolving a channel from the cache, computing permissions). The bot
 * reads none: an interaction carries its channel id, the member's permissions and the app's;
 * panels are posted by channel id and DMs opened through REST (a test checks that the bot works
 * with these caches empty). Kept, channels (with their permission overwrites, which go with
 * them) were most of the memory a server costs: about 7 MB for 1,000 servers of 10 channels.
 * Roles stay cached: discord.js warns at every start when their cache is anything but its own.
 */
const unread = new Set(['ChannelManager', 'GuildChannelManager']);

/**
 * A cache that keeps nothing. For the {@link unread} managers, unlike a collection limited to
 * size 0, it raises no `UnsupportedCacheOverwriteWarning` at start-up (discord.js warns about
 * size limits on these), which would only alarm whoever runs the bot.
 */
class KeepsNothing<K, V> extends Collection<K, V> {
  override set(): this {
    return this;
  }
}

/**
 * The cache factory. discord.js makes a cache per manager, and there are managers per channel
 * (its messages, its threads) and per server: 30,000 empty collections for 1,000 servers of 10
 * channels, several megabytes of nothing. A cache that never stores is always empty, so every
 * manager that keeps nothing (set to 0 above, or {@link unread}) shares one.
 */
export function discordCache(): CacheFactory {
  const limited = Options.cacheWithLimits(settings);
  const nothing = new KeepsNothing<unknown, unknown>();
  const keepsNothing = new Set([
    ...Object.entries(settings)
      .filter(([, setting]) => setting === 0)
      .map(([name]) => name),
    ...unread,
  ]);
  return ((managerType, holds, manager) =>
    keepsNothing.has(manager.name) || keepsNothing.has(managerType.name)
      ? nothing
      : limited(managerType, holds, manager)) as CacheFactory;
}

/** Sweeps of what may still be cached briefly (messages fetched by a handler). */
export const discordSweepers: NonNullable<Client['options']['sweepers']> = {
  ...Options.DefaultSweeperSettings,
  messages: { interval: 3_600, lifetime: 1_800 },
};
