import {
  DiscordAPIError,
  HTTPError,
  REST,
  RateLimitError,
  RESTJSONErrorCodes,
  Routes,
  type APIChannel,
} from 'discord.js';
import type { Localizer } from '../../app/localize.js';
import type { DeliveryOutcome, Messenger } from '../../app/messenger.js';
import { formatScreen, type DiscordMessage } from './format.js';

/** Codes meaning the bot cannot write to this user: DMs closed or blocked, no shared server, gone. */
const unreachableCodes: ReadonlySet<number | string> = new Set([
  RESTJSONErrorCodes.CannotSendMessagesToThisUser,
  RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds,
  RESTJSONErrorCodes.UnknownUser,
  RESTJSONErrorCodes.InvalidRecipients,
]);

/**
 * Maps a failed REST call to a delivery outcome: 50007 / 50278 (and an unknown user) mean the
 * user cannot be reached; a `RateLimitError` (only thrown when discord.js is told not to wait)
 * carries the wait; anything else (5xx after discord.js's retries, timeouts, network) is worth
 * retrying. Reasons never include the request URL, which may hold an interaction token.
 */
export function outcomeOfError(error: unknown): Exclude<DeliveryOutcome, { type: 'sent' }> {
  if (error instanceof DiscordAPIError) {
    const reason = `discord ${error.status} ${error.code}: ${error.message}`;
    return unreachableCodes.has(error.code)
      ? { type: 'unreachable', reason }
      : { type: 'failed', reason };
  }
  if (error instanceof RateLimitError) {
    return { type: 'rateLimited', retryAfterMs: error.retryAfter, global: error.global };
  }
  if (error instanceof HTTPError) return { type: 'failed', reason: `discord ${error.status}` };
  if (error instanceof Error) return { type: 'failed', reason: `${error.name}: ${error.message}` };
  return { type: 'failed', reason: 'unknown error' };
}

/** The outcome of {@link sendDm}: the DM channel when sent. */
export type DmResult =
  { readonly type: 'sent'; readonly channelId: string } | ReturnType<typeof outcomeOfError>;

/**
 * Opens (or reuses: Discord returns the same channel) the DM with a user and sends a message in
 * it. Never throws for Discord's answers. The channel is not cached, so memory does not grow with
 * the number of users.
 */
export async function sendDm(
  rest: REST,
  userId: string,
  message: DiscordMessage,
): Promise<DmResult> {
  try {
    const channel = (await rest.post(Routes.userChannels(), {
      body: { recipient_id: userId },
    })) as APIChannel;
    await rest.post(Routes.channelMessages(channel.id), {
      body: {
        ...(message.content ? { content: message.content } : {}),
        embeds: message.embeds,
        components: message.components,
        allowed_mentions: { parse: [] },
      },
    });
    return { type: 'sent', channelId: channel.id };
  } catch (error) {
    return outcomeOfError(error);
  }
}

/** The link that opens a DM channel in Discord. */
export const dmUrl = (channelId: string): string => `https://discord.com/channels/@me/${channelId}`;

/**
 * The Discord {@link Messenger}: sends a screen (a reminder) to a user's DM through the bot's own
 * REST client, so it shares discord.js's rate-limit state with the running bot (which waits out
 * 429s itself). Never throws for Discord's answers.
 */
export function createDiscordMessenger(options: {
  readonly rest: REST;
  readonly localizer: Localizer;
}): Messenger {
  return {
    platform: 'discord',
    async deliver(platformUserId, message) {
      const formatted = formatScreen(options.localizer.screen(message.screen, message.language));
      const result = await sendDm(options.rest, platformUserId, formatted);
      return result.type === 'sent' ? { type: 'sent' } : result;
    },
  };
}

/**
 * A REST client for the reminder {@link Messenger} that never waits out a rate limit: a 429 (or
 * a bucket known to be exhausted) becomes a `rateLimited` outcome at once, so the dispatcher
 * reschedules the reminder and keeps its lease short, instead of discord.js holding the delivery
 * for the whole `retry_after`. Its buckets are its own; the global limit is shared with the bot,
 * so keep `DISCORD_RATE` below Discord's 50 requests a second.
 */
export function createReminderRest(options: { readonly apiUrl: string; readonly token: string }) {
  return new REST({ api: options.apiUrl, rejectOnRateLimit: () => true }).setToken(options.token);
}
