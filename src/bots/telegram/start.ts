import { run, type RunnerHandle } from '@grammyjs/runner';
import { GrammyError, webhookCallback, type Bot } from 'grammy';
import type { Logger } from '../../app/logger.js';
import { syncCommands } from './commands.js';
import { createTelegramBot, type TelegramOptions } from './telegram-bot.js';

/** A running Telegram bot. */
export interface TelegramBot {
  readonly bot: Bot;
  /** Resolves when polling stops; rejects on an unrecoverable error (401, 409). */
  readonly stopped: Promise<void>;
  /** Whether updates are being received (polling runs, or the webhook is served). */
  connected(): boolean;
  /**
   * Stops taking updates, waits for those in flight (at most `drainMs`), then tells Telegram
   * which were handled so none is delivered twice after a restart.
   */
  stop(): Promise<void>;
}

/** Update types the bot asks Telegram for. */
const allowedUpdates = ['message', 'callback_query', 'my_chat_member'] as const;

/**
 * Starts the adapter: publishes the command menus if they changed, then either sets the webhook
 * (with `options.webhook`) or removes any webhook and polls with the runner. `stopped` rejects
 * with a clear error if another instance polls the same token (409) or the token is wrong (401).
 */
export async function startTelegram(options: TelegramOptions): Promise<TelegramBot> {
  let lastHandled: number | undefined;
  const bot = createTelegramBot(options, (id) => (lastHandled = Math.max(lastHandled ?? 0, id)));
  const { log } = options;
  await bot.init();
  const changed = await syncCommands(bot.api, options.localizer, options.languages);
  log.info({ changed }, 'telegram: command menus checked');
  const drainMs = options.drainMs ?? 10_000;
  /** Waits for the updates in flight; says so when some did not finish in time. */
  const drain = async (): Promise<boolean> => {
    const drained = (await options.tracker?.drain(drainMs)) ?? true;
    if (!drained) {
      log.warn(
        { inFlight: options.tracker?.inFlight(), waitedMs: drainMs },
        'telegram: updates still running at shutdown',
      );
    }
    return drained;
  };
  if (options.webhook) return startWebhook(bot, options.webhook, log, drain);
  await bot.api.deleteWebhook();
  const handle: RunnerHandle = run(bot, {
    runner: {
      fetch: { timeout: options.pollTimeout ?? 30, allowed_updates: [...allowedUpdates] },
      silent: true,
    },
  });
  log.info({ bot: bot.botInfo.username }, 'telegram: polling for updates');
  const stopped = (handle.task() ?? Promise.resolve()).catch((error: unknown) => {
    throw explainFatal(error);
  });
  return {
    bot,
    stopped,
    connected: () => handle.isRunning(),
    stop: async () => {
      if (handle.isRunning()) await handle.stop();
      if (!(await drain()) || lastHandled === undefined) return;
      // The runner confirms a batch only with the next getUpdates: confirm the last one now,
      // as grammY's own bot.stop() does, so a restart does not receive it again.
      await bot.api
        .getUpdates({ offset: lastHandled + 1, limit: 1, timeout: 0 })
        .catch((error: unknown) => log.warn({ err: error }, 'telegram: could not confirm updates'));
    },
  };
}

/**
 * Webhook mode: serves Telegram's POSTs on the webhook URL's path, refusing any request without
 * the secret header (grammY answers 401), then calls setWebhook. Stopping answers 503 to new
 * requests (Telegram delivers them again later) and waits for those in flight.
 */
async function startWebhook(
  bot: Bot,
  webhook: NonNullable<TelegramOptions['webhook']>,
  log: Logger,
  drain: () => Promise<boolean>,
): Promise<TelegramBot> {
  const handleUpdate = webhookCallback(bot, 'http', {
    secretToken: webhook.secret,
    // Telegram waits for the answer; past 10 s keep handling but answer, so it does not resend.
    onTimeout: 'return',
    timeoutMilliseconds: 9_000,
  });
  let closing = false;
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  webhook.server.route(new URL(webhook.url).pathname, async (req, res) => {
    if (closing) {
      res.writeHead(503, { 'retry-after': '5' });
      res.end();
      return;
    }
    await handleUpdate(req, res);
  });
  await bot.api.setWebhook(webhook.url, {
    secret_token: webhook.secret,
    allowed_updates: [...allowedUpdates],
  });
  log.info({ bot: bot.botInfo.username }, 'telegram: webhook set, receiving updates');
  return {
    bot,
    stopped,
    connected: () => !closing,
    stop: async () => {
      closing = true;
      await drain();
      resolveStopped();
    },
  };
}

/** Turns the errors that end polling into messages that say what to do. */
export function explainFatal(error: unknown): Error {
  if (error instanceof GrammyError && error.error_code === 409) {
    return new Error(
      'Telegram refused polling (409 Conflict): another instance of this bot is already running with the same token, or a webhook is set. Stop the other instance, then start again.',
    );
  }
  if (error instanceof GrammyError && error.error_code === 401) {
    return new Error(
      'Telegram refused the token (401 Unauthorized): copy TELEGRAM_BOT_TOKEN again from @BotFather.',
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
