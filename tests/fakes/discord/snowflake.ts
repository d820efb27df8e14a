/** Discord's epoch (2015-01-01T00:00:00.000Z) in Unix milliseconds. */
const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Returns a generator of unique, increasing snowflakes built from the current time, like the ids
 * Discord issues (19 digits today). Real-looking ids matter: @discordjs/rest derives rate-limit
 * buckets from `\d{17,19}` path segments and message age from the id.
 */
export function createSnowflakes(): () => string {
  let last = 0n;
  return () => {
    const candidate = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    last = candidate > last ? candidate : last + 1n;
    return last.toString();
  };
}

/** The shard a guild belongs to: `(guild_id >> 22) % shardCount`. */
export function shardOfGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
