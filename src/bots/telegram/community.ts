import { GrammyError, type Composer, type Context } from 'grammy';
import type { Localizer } from '../../app/localize.js';
import type { Logger } from '../../app/logger.js';
import type { Actor, Reply, WalkthroughService } from '../../app/service.js';
import { decodeAction } from '../../core/actions.js';
import type { CommunityKey } from '../../core/ports.js';
import { text } from '../../core/text.js';
import { formatScreen, type TelegramMessage } from './format.js';

/** What the community handlers share with the rest of the adapter. */
export interface CommunityKit {
  readonly service: WalkthroughService;
  readonly localizer: Localizer;
  readonly log: Logger;
  readonly send: (ctx: Context, message: TelegramMessage) => Promise<void>;
  readonly render: (reply: Reply) => TelegramMessage;
  /** Answers a callback query, once: the adapter's catch-all then leaves it alone. */
  readonly answer: (ctx: Context, options?: { text?: string }) => Promise<true>;
}

/** The group a message or button comes from, as a community. */
export function communityOf(ctx: Context): CommunityKey | undefined {
  const chat = ctx.chat;
  return chat && (chat.type === 'group' || chat.type === 'supergroup')
    ? { platform: 'telegram', communityId: String(chat.id) }
    : undefined;
}

/** Asks Telegram, at every use, whether the user is an admin of the group. */
export async function isGroupAdmin(ctx: Context): Promise<boolean> {
  if (!ctx.chat || !ctx.from) return false;
  const member = await ctx.api.getChatMember(ctx.chat.id, ctx.from.id);
  return member.status === 'creator' || member.status === 'administrator';
}

/** A group admin's actor: who, which group, and whether Telegram says they are an admin. */
async function adminActor(ctx: Context): Promise<Actor | undefined> {
  const community = communityOf(ctx);
  if (!ctx.from || ctx.from.is_bot || !community) return undefined;
  return {
    platform: 'telegram',
    platformUserId: String(ctx.from.id),
    locale: ctx.from.language_code ?? null,
    community,
    isAdmin: await isGroupAdmin(ctx),
  };
}

/**
 * Turns a panel's buttons into deep links: each opens the private chat with that guide started
 * and the group recorded as where the member came from (`/start <guide>_<ref>`).
 */
export function panelMessage(
  message: TelegramMessage,
  botUsername: string,
  ref: string,
): TelegramMessage {
  return {
    ...message,
    reply_markup: {
      inline_keyboard: message.reply_markup.inline_keyboard.map((row) =>
        row.map((button) => {
          if (!('callback_data' in button) || button.callback_data === undefined) return button;
          const decoded = decodeAction(button.callback_data);
          if (decoded.type !== 'ok' || decoded.action.type !== 'open') return button;
          return {
            text: button.text,
            url: `https://t.me/${botUsername}?start=${decoded.action.guideId}_${ref}`,
          };
        }),
      ),
    },
  };
}

/**
 * The community layer on Telegram: `/optout_panel`, `/optout_settings` and `/optout_stats` for
 * group admins (checked with `getChatMember` at every use), settings buttons in the group, and
 * forgetting a group's settings when the bot is removed from it.
 */
export function installCommunityHandlers(routes: Composer<Context>, kit: CommunityKit): void {
  const { service, localizer, log, send, render, answer } = kit;
  const groups = routes.chatType(['group', 'supergroup']);

  groups.command('optout_panel', async (ctx) => {
    const actor = await adminActor(ctx);
    if (!actor) return;
    const reply = await service.panel(actor);
    const message = render(reply);
    await send(ctx, reply.ref ? panelMessage(message, ctx.me.username, reply.ref) : message);
  });

  groups.command('optout_settings', async (ctx) => {
    const actor = await adminActor(ctx);
    if (actor) await send(ctx, render(await service.communitySettings(actor)));
  });

  // Stats go to the admin's private chat, never to the group.
  groups.command('optout_stats', async (ctx) => {
    const actor = await adminActor(ctx);
    if (!actor) return;
    const reply = await service.communityStats(actor);
    if (actor.isAdmin !== true) return send(ctx, render(reply));
    const message = formatScreen(localizer.screen(reply.screen, reply.language));
    try {
      await ctx.api.sendMessage(ctx.from.id, message.text, {
        parse_mode: 'HTML',
        reply_markup: message.reply_markup,
      });
      await ctx.reply(localizer.text(text('ui:telegram.statsSentPrivately'), reply.language));
    } catch (error) {
      if (!(error instanceof GrammyError) || error.error_code !== 403) throw error;
      // The admin never opened a private chat with the bot: it cannot write to them first.
      await ctx.reply(localizer.text(text('ui:telegram.statsNeedPrivate'), reply.language), {
        reply_markup: {
          inline_keyboard: [
            [
              {
                text: localizer.text(text('ui:telegram.openPrivate'), reply.language),
                url: `https://t.me/${ctx.me.username}`,
              },
            ],
          ],
        },
      });
    }
  });

  // Settings buttons pressed in a group: only admins may change anything.
  groups.on('callback_query:data', async (ctx, next) => {
    const decoded = decodeAction(ctx.callbackQuery.data);
    if (decoded.type !== 'ok' || decoded.action.type !== 'community') return next();
    const actor = await adminActor(ctx);
    if (!actor) return next();
    const reply = await service.press(actor, ctx.callbackQuery.data);
    if (actor.isAdmin !== true) {
      await answer(ctx, { text: localizer.text(text('ui:community.notAdmin'), reply.language) });
      return;
    }
    await answer(ctx);
    const message = render(reply);
    await ctx
      .editMessageText(message.text, { parse_mode: 'HTML', reply_markup: message.reply_markup })
      .catch((error: unknown) => {
        if (
          !(error instanceof GrammyError) ||
          !error.description.includes('message is not modified')
        )
          throw error;
      });
  });

  // Removed from a group: that community's settings are deleted.
  routes.on('my_chat_member', async (ctx, next) => {
    const community = communityOf(ctx);
    const status = ctx.myChatMember.new_chat_member.status;
    if (!community || (status !== 'left' && status !== 'kicked')) return next();
    await service.removeCommunity(community);
    log.info(
      { chat: 'group' },
      'telegram: removed from a group; its community settings were deleted',
    );
  });
}
