import type { FakeDiscordOptions, FakeGuildSpec } from './types.js';

/** {@link FakeDiscordOptions} with every default applied. */
export interface FakeConfig {
  readonly token: string;
  readonly applicationId: string;
  readonly botUsername: string;
  readonly guilds: readonly FakeGuildSpec[];
  readonly shards: number;
  readonly maxConcurrency: number;
  readonly maxGuildsPerShard: number;
  readonly heartbeatInterval: number;
  readonly ackDeadlineMs: number;
  readonly tokenLifetimeMs: number;
  readonly globalPerSecond: number | null;
  readonly perRoute: { readonly limit: number; readonly windowMs: number };
}

/** Applies the documented defaults of {@link FakeDiscordOptions}. */
export function resolveConfig(options: FakeDiscordOptions = {}): FakeConfig {
  return {
    token: options.token ?? 'fake-discord-token',
    applicationId: options.applicationId ?? '100000000000000001',
    botUsername: options.botUsername ?? 'fake-bot',
    guilds: options.guilds ?? [],
    shards: options.shards ?? 1,
    maxConcurrency: options.maxConcurrency ?? 1,
    maxGuildsPerShard: options.maxGuildsPerShard ?? 2500,
    heartbeatInterval: options.heartbeatInterval ?? 41_250,
    ackDeadlineMs: options.ackDeadlineMs ?? 3_000,
    tokenLifetimeMs: options.tokenLifetimeMs ?? 15 * 60_000,
    globalPerSecond: options.limits?.globalPerSecond ?? null,
    perRoute: options.limits?.perRoute ?? { limit: 50, windowMs: 1_000 },
  };
}

/** Error thrown at the test (not sent to the bot) when a test drives the fake wrongly. */
export class FakeDiscordUsageError extends Error {
  override readonly name = 'FakeDiscordUsageError';
}
