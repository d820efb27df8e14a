import {
  DiscordAPIError,
  DiscordjsError,
  DiscordjsErrorCodes,
  GatewayCloseCodes,
  HTTPError,
  RESTJSONErrorCodes,
} from 'discord.js';

import { DiscordStartError } from './start-error.js';

export { DiscordStartError };

/** An error as a log field: never the request URL, which can hold an interaction token. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError) {
    return {
      type: error.name,
      status: error.status,
      code: error.code,
      method: error.method,
      message: error.message,
    };
  }
  if (error instanceof HTTPError) {
    return { type: error.name, status: error.status, method: error.method };
  }
  if (error instanceof Error) {
    return { type: error.name, message: error.message, stack: error.stack };
  }
  return { type: typeof error, message: String(error) };
}

/** Turns the ways Discord refuses to start or ends a session into messages that say what to do. */
export function explainFatal(error: unknown): Error {
  if (
    (error instanceof DiscordjsError && error.code === DiscordjsErrorCodes.TokenInvalid) ||
    (error instanceof DiscordAPIError && error.status === 401)
  ) {
    return new DiscordStartError(
      'Discord refused the token (401 Unauthorized): copy DISCORD_BOT_TOKEN again from the Developer Portal (Bot › Reset Token).',
    );
  }
  if (
    error instanceof DiscordAPIError &&
    error.code === (RESTJSONErrorCodes.MissingAccess as number)
  ) {
    return new DiscordStartError(
      'Discord refused to register the commands in DISCORD_GUILD_ID (Missing Access): invite the bot to that server with the "bot applications.commands" scopes, or unset DISCORD_GUILD_ID.',
    );
  }
  if (error instanceof DiscordStartError) return error;
  const what = error instanceof Error ? error.message : String(error);
  return new DiscordStartError(
    `Could not start the Discord bot: ${what}. Check DISCORD_API_URL and the network.`,
  );
}

/** The message for a gateway session Discord closed for good (a reset token, bad intents…). */
export function explainClose(code: number): DiscordStartError {
  if (code === (GatewayCloseCodes.AuthenticationFailed as number)) {
    return new DiscordStartError(
      'Discord ended the session: the token is no longer valid (4004). Copy DISCORD_BOT_TOKEN again from the Developer Portal (Bot › Reset Token), then start again.',
    );
  }
  if (code === (GatewayCloseCodes.ShardingRequired as number)) {
    return new DiscordStartError(
      'Discord requires more gateway shards for this many servers (4011): set DISCORD_SHARDS=auto, then start again.',
    );
  }
  return new DiscordStartError(
    `Discord ended the session for good (gateway close code ${code}). Check the bot's settings in the Developer Portal, then start again.`,
  );
}
