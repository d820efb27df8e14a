import { LimitedCollection, Options, type CacheFactory, type Client } from 'discord.js';

/**
 * What discord.js keeps in memory. The bot answers interactions, whose payloads carry what it
 * needs, so it caches almost nothing: no users or members (but itself), messages, emojis,
 * stickers, threads, invites, voice states or presences. Servers, their channels and roles stay
 * cached: discord.js does not support limiting those.
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
 * The cache factory. discord.js makes a cache per manager, and there are managers per channel
 * (its messages, its threads) and per server: 30,000 empty collections for 1,000 servers of 10
 * channels, several megabytes of nothing. A collection of size 0 never stores anything (its
 * `set` returns before storing), so every such manager shares one.
 */
export function discordCache(): CacheFactory {
  const limited = Options.cacheWithLimits(settings);
  const empty = new LimitedCollection<unknown, unknown>({ maxSize: 0 });
  const keepsNothing = new Set(
    Object.entries(settings)
      .filter(([, setting]) => setting === 0)
      .map(([name]) => name),
  );
  return ((managerType, holds, manager) =>
    keepsNothing.has(manager.name) || keepsNothing.has(managerType.name)
      ? empty
      : limited(managerType, holds, manager)) as CacheFactory;
}

/** Sweeps of what may still be cached briefly (messages fetched by a handler). */
export const discordSweepers: NonNullable<Client['options']['sweepers']> = {
  ...Options.DefaultSweeperSettings,
  messages: { interval: 3_600, lifetime: 1_800 },
};
