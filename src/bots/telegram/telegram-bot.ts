import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import {
  Bot,
  GrammyError,
  HttpError,
  InputFile,
  type Context,
  type Middleware,
  type Transformer,
} from 'grammy';
import type { HttpServer } from '../../app/http-server.js';
import type { UpdateTracker } from '../../app/updates.js';
import type { FloodGuard } from '../../app/flood-guard.js';
import type { UserFromGetMe } from 'grammy/types';
import type { Localizer } from '../../app/localize.js';
import type { Logger } from '../../app/logger.js';
import type { Actor, Reply, WalkthroughService } from '../../app/service.js';
import { helpScreen } from '../../core/menus.js';
import { text, type Text } from '../../core/text.js';
import { botApiClient, useBotApiTransport } from './bot-api-client.js';
import { installCommunityHandlers } from './community.js';
import { LeanComposer } from './lean-composer.js';
import { formatScreen, linkMessage, type TelegramMessage } from './format.js';
import { userHash } from '../../app/user-hash.js';

/** What the Telegram adapter needs. */
export interface TelegramOptions {
  readonly token: string;
  /** The Bot API server, without a trailing slash. */
  readonly apiRoot: string;
  readonly service: WalkthroughService;
  readonly localizer: Localizer;
  readonly languages: readonly string[];
  readonly log: Logger;
  /** Skips `getMe` when known (tests). */
  readonly botInfo?: UserFromGetMe;
  /** Long-polling timeout in seconds (30 in production; short in tests). */
  readonly pollTimeout?: number;
  /** Per-user flood control; none when undefined. */
  readonly flood?: FloodGuard;
  /** auto-retry's limits for 429 and 5xx answers. */
  readonly retry?: { readonly maxRetryAttempts: number; readonly maxDelaySeconds: number };
  /** Times, logs and counts every update (and lets shutdown wait for those in flight). */
  readonly tracker?: UpdateTracker;
  /**
   * Webhook mode instead of polling: Telegram posts updates to `url`, which `server` serves on
   * the same path; requests without the `secret` header are refused.
   */
  readonly webhook?: { readonly url: string; readonly secret: string; readonly server: HttpServer };
  /** How long shutdown waits for updates in flight (10 s by default). */
  readonly drainMs?: number;
}

/** What kind of update this is, for logs and metrics: the command, or the update type. */
export function updateKind(ctx: Context): string {
  const command = /^\/([A-Za-z0-9_]+)/.exec(ctx.message?.text ?? '')?.[1];
  if (command !== undefined) return `/${command}`;
  return Object.keys(ctx.update).find((key) => key !== 'update_id') ?? 'unknown';
}

/**
 * An API transformer that makes each long poll (`getUpdates`) wait one turn of the event loop,
 * so the updates just received are handled up to their first API call, and those calls are
 * written, before the next poll is prepared and written: answers leave first, and the poll
 * follows within a millisecond. Every other call passes straight through.
 */
export const pollAfterHandling: Transformer = (prev, method, payload, signal) =>
  method === 'getUpdates'
    ? new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
        prev(method, payload, signal),
      )
    : prev(method, payload, signal);

/**
 * Middleware that starts each update on a turn of the event loop of its own. One `getUpdates`
 * answer carries up to 100 updates (a burst of clicks, or the backlog after a pause): handled in
 * the turn that received them, all of them would do their database work and rendering before
 * Node writes any of their calls (it writes a request on a `process.nextTick`, after the
 * microtasks of the whole batch), so the first user of a burst would wait for the last one's
 * work. Here each update's calls are written as soon as that update is handled, and the next
 * poll follows the batch (see {@link pollAfterHandling}).
 */
export const ownTurn: Middleware = (_ctx, next) =>
  new Promise<void>((resolve) => setImmediate(resolve)).then(next);

/** The deep link guide the group hand-off opens. */
const grokGuide = 'x-grok';

const isNotModified = (error: unknown): boolean =>
  error instanceof GrammyError &&
  error.error_code === 400 &&
  error.description.includes('message is not modified');
const isGone = (error: unknown): boolean =>
  error instanceof GrammyError &&
  error.error_code === 400 &&
  // The message was deleted, is too old, or holds no text (a document): send a new one instead.
  /message to edit not found|message can't be edited|no text in the message to edit/.test(
    error.description,
  );
const isBlocked = (error: unknown): boolean =>
  error instanceof GrammyError && error.error_code === 403;

/** The user behind an update, as the application service knows them. */
function actorOf(ctx: Context): Actor | undefined {
  if (!ctx.from || ctx.from.is_bot) return undefined;
  return {
    platform: 'telegram',
    platformUserId: String(ctx.from.id),
    locale: ctx.from.language_code ?? null,
    reachable: ctx.chat?.type === 'private',
  };
}

/**
 * Builds the Telegram adapter on grammY: translates updates into application-service calls and
 * screens into HTML messages with inline keyboards. Nothing here decides anything about the
 * walkthrough. `startTelegram` (`start.ts`) runs it.
 */
export function createTelegramBot(
  options: TelegramOptions,
  /** Told the id of every update whose handling ended (shutdown confirms them). */
  handled?: (updateId: number) => void,
): Bot {
  const { service, localizer, log } = options;
  // grammY's default timeout: a long poll waits up to 30 s of it.
  const client = { apiRoot: options.apiRoot, timeoutSeconds: 500 };
  const bot = new Bot(options.token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    client: botApiClient(client),
  });
  useBotApiTransport(bot.api, client);
  bot.api.config.use(autoRetry(options.retry ?? { maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  bot.api.config.use(pollAfterHandling);
  const tracker = options.tracker;
  bot.use(async (ctx, next) => {
    try {
      await (tracker ? tracker.track('telegram', updateKind(ctx), next) : next());
    } finally {
      handled?.(ctx.update.update_id);
    }
  });
  bot.use(ownTurn);
  // Updates run concurrently across chats, in order within a chat.
  bot.use(sequentialize((ctx) => String(ctx.chat?.id ?? ctx.from?.id ?? '')));
  /** Callback queries whose answer was sent: the catch-all must not answer them a second time. */
  const answering = new WeakSet<Context>();
  const answer = (ctx: Context, options: { text?: string } = {}): Promise<true> => {
    answering.add(ctx);
    return ctx.answerCallbackQuery(options);
  };

  // A user sending a stream of commands or clicks is answered once, then ignored for a moment.
  const flood = options.flood;
  if (flood) {
    bot.use(async (ctx, next) => {
      const verdict = ctx.from ? flood.check(String(ctx.from.id)) : 'allow';
      if (verdict === 'allow') return next();
      const actor = actorOf(ctx);
      const slowDown = actor
        ? words(text('ui:privacy.slowDown'), await service.languageOf(actor))
        : '';
      if (ctx.callbackQuery) await answer(ctx, verdict === 'warn' ? { text: slowDown } : {});
      else if (verdict === 'warn' && ctx.chat?.type === 'private') await ctx.reply(slowDown);
    });
  }

  const render = (reply: Reply): TelegramMessage =>
    formatScreen(localizer.screen(reply.screen, reply.language));
  const words = (value: Text, language: string): string => localizer.text(value, language);
  const send = async (ctx: Context, message: TelegramMessage): Promise<void> => {
    await ctx.reply(message.text, {
      parse_mode: 'HTML',
      reply_markup: message.reply_markup,
      link_preview_options: { is_disabled: true },
    });
  };
  /** Shows a reply in the message the button was on; sends a new one if that message is gone. */
  const showInPlace = async (ctx: Context, message: TelegramMessage): Promise<void> => {
    const target = ctx.callbackQuery?.message;
    // A message Telegram no longer shows the bot (date 0) or one without text (the export
    // file) cannot be edited: answer with a new message instead.
    if (!target || target.date === 0 || !('text' in target) || target.text === undefined) {
      return send(ctx, message);
    }
    try {
      await ctx.editMessageText(message.text, {
        parse_mode: 'HTML',
        reply_markup: message.reply_markup,
        link_preview_options: { is_disabled: true },
      });
    } catch (error) {
      if (isNotModified(error)) return;
      if (isGone(error)) return send(ctx, message);
      throw error;
    }
  };

  // Every handler below hangs off one composer whose filters build nothing per update.
  const routes = new LeanComposer<Context>();
  bot.use(routes);
  const privateChat = routes.chatType('private');
  const groups = routes.chatType(['group', 'supergroup']);

  privateChat.command('start', async (ctx) => {
    const actor = actorOf(ctx);
    if (!actor) return;
    const payload = ctx.match.trim();
    const reply =
      payload === ''
        ? await service.guides(actor, { welcome: true })
        : await service.openFromLink(actor, payload);
    await send(ctx, render(reply));
  });
  privateChat.command('grok_optout', async (ctx) => {
    const actor = actorOf(ctx);
    if (actor) await send(ctx, render(await service.openGuide(actor, grokGuide)));
  });
  privateChat.command('guides', async (ctx) => {
    const actor = actorOf(ctx);
    if (actor) await send(ctx, render(await service.guides(actor)));
  });
  privateChat.command('status', async (ctx) => {
    const actor = actorOf(ctx);
    if (actor) await send(ctx, render(await service.status(actor)));
  });
  privateChat.command('export', async (ctx) => {
    const actor = actorOf(ctx);
    if (!actor) return;
    const result = await service.exportData(actor);
    await send(ctx, render(result));
    if (result.document) {
      await ctx.replyWithDocument(
        new InputFile(Buffer.from(result.document.json, 'utf8'), result.document.fileName),
      );
    }
  });
  privateChat.command('forget', async (ctx) => {
    const actor = actorOf(ctx);
    if (actor) await send(ctx, render(await service.forgetPrompt(actor)));
  });
  privateChat.command('language', async (ctx) => {
    const actor = actorOf(ctx);
    if (!actor) return;
    const wanted = ctx.match.trim();
    await send(
      ctx,
      render(
        wanted === ''
          ? await service.languageMenu(actor)
          : await service.setLanguage(actor, wanted),
      ),
    );
  });
  const help = async (ctx: Context, notice?: Text): Promise<void> => {
    const actor = actorOf(ctx);
    if (!actor) return;
    const language = await service.languageOf(actor);
    const screen = helpScreen('telegram');
    await send(
      ctx,
      render({ language, screen: notice ? { ...screen, notice } : screen, events: [] }),
    );
  };
  privateChat.command('help', (ctx) => help(ctx));
  privateChat.on('message', (ctx) =>
    help(
      ctx,
      text(
        (ctx.message.text ?? '').startsWith('/')
          ? 'ui:telegram.unknownCommand'
          : 'ui:telegram.notText',
      ),
    ),
  );

  // In groups the bot only points to the private chat: bots cannot write to a user first.
  const handOff = async (ctx: Context, payload: string | undefined): Promise<void> => {
    const actor = actorOf(ctx);
    if (!actor) return;
    const language = await service.languageOf(actor);
    const url = `https://t.me/${ctx.me.username}${payload ? `?start=${payload}` : ''}`;
    const message = linkMessage(
      words(text('ui:telegram.groupHandoff'), language),
      words(text('ui:telegram.openPrivate'), language),
      url,
    );
    await ctx.reply(message.text, { parse_mode: 'HTML', reply_markup: message.reply_markup });
  };
  installCommunityHandlers(routes, { service, localizer, log, send, render, answer });
  groups.command('grok_optout', (ctx) => handOff(ctx, grokGuide));
  groups.command(['start', 'guides', 'status', 'language', 'help'], (ctx) =>
    handOff(ctx, undefined),
  );

  routes.on('callback_query:data', async (ctx) => {
    const actor = actorOf(ctx);
    if (!actor) {
      await answer(ctx);
      return;
    }
    const reply = await service.press(actor, ctx.callbackQuery.data);
    const notice = reply.screen.notice
      ? words(reply.screen.notice, reply.language).slice(0, 200)
      : undefined;
    const message = render(reply);
    // Both calls in flight at once: one round trip, not two. The edit leaves first, so the
    // screen changes soonest; the answer (which stops the client's spinner and shows the
    // notice as a toast) follows without waiting for it, and is sent whatever the edit does.
    const [shown, answered] = await Promise.allSettled([
      showInPlace(ctx, message),
      answer(ctx, notice ? { text: notice } : {}),
    ]);
    if (shown.status === 'rejected') throw shown.reason;
    if (answered.status === 'rejected') throw answered.reason;
  });
  routes.on('callback_query', (ctx) => answer(ctx));

  // A user who blocks the bot in their private chat: stop writing to them until they come back.
  routes.on('my_chat_member', async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    const status = ctx.myChatMember.new_chat_member.status;
    await service.setReachable(
      { platform: 'telegram', platformUserId: String(ctx.from.id) },
      status !== 'kicked',
    );
  });

  bot.catch(async ({ error, ctx }) => {
    const actor = actorOf(ctx);
    const context = {
      platform: 'telegram',
      command: updateKind(ctx),
      update: ctx.update.update_id,
      chat: ctx.chat?.type,
      user: actor ? userHash(actor) : undefined,
    };
    if (isBlocked(error) && actor) {
      log.info(
        context,
        'telegram: the user blocked the bot or never started it; marked unreachable',
      );
      await service
        .setReachable(actor, false)
        .catch((e: unknown) => log.error({ ...context, err: e }, 'could not mark unreachable'));
      return;
    }
    log.error(
      { ...context, err: error instanceof HttpError ? error.message : error },
      'telegram: update failed',
    );
    try {
      if (ctx.callbackQuery && !answering.has(ctx)) {
        await ctx.answerCallbackQuery().catch(() => undefined);
      }
      if (actor && ctx.chat?.type === 'private') {
        const language = await service.languageOf(actor);
        await ctx.reply(words(text('ui:telegram.error'), language));
      }
    } catch (replyError) {
      log.warn(
        { ...context, err: replyError },
        'telegram: could not tell the user about the failure',
      );
    }
  });

  return bot;
}
