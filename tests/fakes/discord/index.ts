/**
 * A faithful fake Discord (REST + gateway) for end-to-end tests with the real discord.js client.
 * See `fake-discord.ts` for the entry point and `types.ts` for the API.
 *
 * Known gaps (deliberate): no MESSAGE_CREATE/UPDATE dispatches for the bot's own messages, no
 * permission checks (members have `memberPermissions`, all by default, but nothing is enforced;
 * the bot can post anywhere),
 * no heartbeat-timeout closing, no identify-concurrency enforcement, no zlib/ETF transports,
 * no modal-submit or context-menu injection, no Components V2 deep validation beyond counts,
 * buttons, selects and text displays.
 */
export { startFakeDiscord } from './fake-discord.js';
export { FakeDiscordUsageError } from './config.js';
export { DISCORD_LOCALES } from './validate-command.js';
export type * from './types.js';
