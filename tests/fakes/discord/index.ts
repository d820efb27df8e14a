/**
 * A faithful fake Discord (REST + gateway) for end-to-end tests with the real discord.js client.
 * See `fake-discord.ts` for the entry point and `types.ts` for the API.
 */
export { startFakeDiscord } from './fake-discord.js';
export { FakeDiscordUsageError } from './config.js';
export { DISCORD_LOCALES } from './validate-command.js';
export type * from './types.js';
