import { Api, GrammyError, HttpError } from 'grammy';
import type { Localizer } from '../../app/localize.js';
import type { DeliveryOutcome, Messenger } from '../../app/messenger.js';
import { formatScreen } from './format.js';
import { botApiClient, useBotApiTransport } from './bot-api-client.js';

/**
 * Maps a failed Bot API call to a delivery outcome: 403 (blocked, never started, deactivated)
 * and "chat not found" mean the user cannot be reached; 429 carries Telegram's `retry_after`;
 * 5xx and network failures are worth retrying.
 */
export function outcomeOfError(error: unknown): DeliveryOutcome {
  if (error instanceof GrammyError) {
    if (error.error_code === 403 || /chat not found/i.test(error.description)) {
      return { type: 'unreachable', reason: error.description };
    }
    if (error.error_code === 429) {
      const seconds = error.parameters.retry_after ?? 5;
      return { type: 'rateLimited', retryAfterMs: seconds * 1000, global: true };
    }
    return { type: 'failed', reason: `${error.error_code} ${error.description}` };
  }
  if (error instanceof HttpError) return { type: 'failed', reason: error.message };
  return { type: 'failed', reason: error instanceof Error ? error.message : 'unknown error' };
}

/**
 * The Telegram {@link Messenger}: sends a screen to a user's private chat (its id is the user's
 * id). It uses its own API client without automatic retries, so that the dispatcher alone
 * decides when to try again and a `retry_after` pauses every reminder, not just this one.
 */
export function createTelegramMessenger(options: {
  readonly token: string;
  readonly apiRoot: string;
  readonly localizer: Localizer;
}): Messenger {
  const client = { apiRoot: options.apiRoot, timeoutSeconds: 30 };
  const api = new Api(options.token, botApiClient(client));
  useBotApiTransport(api, client);
  return {
    platform: 'telegram',
    async deliver(platformUserId, message) {
      const formatted = formatScreen(options.localizer.screen(message.screen, message.language));
      try {
        await api.sendMessage(Number(platformUserId), formatted.text, {
          parse_mode: 'HTML',
          reply_markup: formatted.reply_markup,
          link_preview_options: { is_disabled: true },
        });
        return { type: 'sent' };
      } catch (error) {
        return outcomeOfError(error);
      }
    },
  };
}
