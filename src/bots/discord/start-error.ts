/**
 * Discord refused to start the bot: the message says what to do. Apart from the rest of the
 * adapter so that the entry point can recognise it without loading discord.js.
 */
export class DiscordStartError extends Error {
  override readonly name = 'DiscordStartError';
}
