import {
  InteractionContextType,
  MessageFlags,
  type AttachmentPayload,
  type AutocompleteInteraction,
  type BaseInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageComponentInteraction,
  type RepliableInteraction,
} from 'discord.js';
import type { Localizer } from '../../app/localize.js';
import type { Logger } from '../../app/logger.js';
import type { Actor, ExportReply, Reply, WalkthroughService } from '../../app/service.js';
import { wasRefused } from '../../app/service-types.js';
import { userHash } from '../../app/user-hash.js';
import type { Catalog } from '../../core/catalog.js';
import { decodeAction } from '../../core/actions.js';
import { helpScreen } from '../../core/menus.js';
import { text, type TextKey } from '../../core/text.js';
import { commandNames, guideChoices, stringOption } from './commands.js';
import { createAdminCommand, memberActor } from './community.js';
import { formatScreen, linkMessage, withLine, type DiscordMessage } from './format.js';
import { dmUrl, sendDm } from './messenger.js';

/** What the interaction handlers need. */
export interface InteractionDeps {
  readonly service: WalkthroughService;
  readonly localizer: Localizer;
  readonly catalog: Catalog;
  readonly log: Logger;
  /**
   * After how many ms an answer still being worked out is deferred, so that Discord's 3 s
   * deadline holds even when the database is slow (default 1500).
   */
  readonly deferAfterMs?: number;
}

/** The guide `/grok-optout` opens. */
export const grokGuide = 'x-grok';

/** The user behind an interaction, as the application service knows them. */
export function actorOf(interaction: BaseInteraction): Actor {
  return {
    platform: 'discord',
    platformUserId: interaction.user.id,
    locale: interaction.locale,
    // An interaction inside the bot's DM proves the bot can write there.
    reachable: interaction.context === InteractionContextType.BotDM,
  };
}

const inBotDm = (interaction: BaseInteraction): boolean =>
  interaction.context === InteractionContextType.BotDM;

/**
 * Runs `work`; if it has not finished after `afterMs`, acknowledges with `defer` meanwhile.
 * Returns the work's value and whether `defer` was used (then the answer is an edit). On
 * failure, waits for a started deferral, so the error boundary sees the true state.
 */
async function withinDeadline<T>(
  work: () => Promise<T>,
  defer: () => Promise<unknown>,
  afterMs: number,
): Promise<{ value: T; deferred: boolean }> {
  const state: { deferring?: Promise<unknown> } = {};
  const timer = setTimeout(() => {
    state.deferring = defer();
  }, afterMs);
  let value: T;
  try {
    value = await work();
  } catch (error) {
    clearTimeout(timer);
    await state.deferring?.catch(() => undefined);
    throw error;
  }
  clearTimeout(timer);
  if (state.deferring) await state.deferring;
  return { value, deferred: state.deferring !== undefined };
}

/**
 * Builds the handler of every interaction: slash commands, buttons and autocomplete become
 * application-service calls, and their screens become embeds. It throws on unexpected failures;
 * the caller's boundary logs them and tells the user.
 */
export function createInteractionHandler(
  deps: InteractionDeps,
): (interaction: Interaction) => Promise<void> {
  const { service, localizer, catalog, log } = deps;
  const deferAfterMs = deps.deferAfterMs ?? 1500;
  const render = (reply: Reply): DiscordMessage =>
    formatScreen(localizer.screen(reply.screen, reply.language));
  const words = (key: TextKey, language: string): string => localizer.text(text(key), language);

  /**
   * Shows a screen as the answer: in the bot's DM as a message, elsewhere only to the user;
   * `filesOf` attaches files to it (the data export).
   */
  async function answer<R extends Reply>(
    i: RepliableInteraction | MessageComponentInteraction,
    produce: () => Promise<R>,
    filesOf: (reply: R) => AttachmentPayload[] = () => [],
  ): Promise<void> {
    const flags = inBotDm(i) ? undefined : MessageFlags.Ephemeral;
    const { value, deferred } = await withinDeadline(
      produce,
      () => i.deferReply(flags === undefined ? {} : { flags }),
      deferAfterMs,
    );
    const files = filesOf(value);
    const message = { ...render(value), ...(files.length > 0 ? { files } : {}) };
    if (deferred) await i.editReply(message);
    else await i.reply(flags === undefined ? message : { ...message, flags });
  }

  const exportFile = (reply: ExportReply): AttachmentPayload[] =>
    reply.document
      ? [{ attachment: Buffer.from(reply.document.json, 'utf8'), name: reply.document.fileName }]
      : [];

  /**
   * Opens a walkthrough. From a server, the walkthrough goes to the user's DM and the answer
   * (only they see it) points there; if Discord refuses the DM, the walkthrough continues in that
   * answer, with one line saying why.
   */
  async function walkthrough(
    i: ChatInputCommandInteraction | MessageComponentInteraction,
    open: () => Promise<Reply>,
  ): Promise<void> {
    if (inBotDm(i)) return answer(i, open);
    const ephemeral = { flags: MessageFlags.Ephemeral } as const;
    let reply: Reply;
    if (i.isMessageComponent()) {
      // A panel's button. A forged or stale one is refused: nothing to take to the DM, so the
      // refusal is the acknowledgement itself when there is still time (no request beyond it).
      const opened = await withinDeadline(open, () => i.deferReply(ephemeral), deferAfterMs);
      reply = opened.value;
      if (wasRefused(reply)) {
        if (opened.deferred) await i.editReply(render(reply));
        else await i.reply({ ...render(reply), ...ephemeral });
        return;
      }
      if (!opened.deferred) await i.deferReply(ephemeral);
    } else {
      // Acknowledge first: the DM takes two requests that discord.js may delay on a rate limit.
      await i.deferReply(ephemeral);
      reply = await open();
    }
    const message = render(reply);
    const actor = actorOf(i);
    const sent = await sendDm(i.client.rest, actor.platformUserId, message);
    if (sent.type === 'sent') {
      await service.setReachable(actor, true);
      await i.editReply(
        linkMessage(
          words('ui:discord.sentDm', reply.language),
          words('ui:discord.openDm', reply.language),
          dmUrl(sent.channelId),
        ),
      );
      return;
    }
    const closed = sent.type === 'unreachable';
    if (closed) await service.setReachable(actor, false);
    log.info(
      { user: userHash(actor), outcome: sent.type, reason: 'reason' in sent ? sent.reason : '' },
      'discord: could not DM the user; the walkthrough continues in the channel',
    );
    await i.editReply(
      withLine(
        message,
        words(closed ? 'ui:discord.dmClosed' : 'ui:discord.dmFailed', reply.language),
      ),
    );
  }

  const help = async (actor: Actor, notice: TextKey): Promise<Reply> => ({
    language: await service.languageOf(actor),
    screen: { ...helpScreen('discord'), notice: text(notice) },
    events: [],
  });

  /**
   * The guide meant by the `guide` option: its id when picked from the suggestions, or the one
   * guide whose name matches what the user typed without picking (else the text, as unknown).
   */
  async function resolveGuide(actor: Actor, typed: string): Promise<string> {
    if (catalog.get(typed)) return typed;
    const matches = guideChoices(catalog, localizer, await service.languageOf(actor), typed);
    return matches.length === 1 && matches[0] ? matches[0].value : typed;
  }

  const admin = createAdminCommand({
    service,
    localizer,
    catalog,
    log,
    render,
    answer: (i, produce) => answer(i, produce),
  });

  async function onCommand(i: ChatInputCommandInteraction): Promise<void> {
    const actor = actorOf(i);
    if (i.commandName === commandNames.admin && (await admin(i))) return;
    const origin = i.guildId ? { origin: `discord:${i.guildId}` } : {};
    if (i.commandName === commandNames.grokOptout) {
      return walkthrough(i, () => service.openGuide(actor, grokGuide, origin));
    }
    if (i.commandName === commandNames.optout) {
      switch (i.options.getSubcommand(false)) {
        case commandNames.start: {
          const typed = stringOption(i, commandNames.guide)?.trim() ?? '';
          return walkthrough(i, async () =>
            typed === ''
              ? service.guides(actor)
              : service.openGuide(actor, await resolveGuide(actor, typed), origin),
          );
        }
        case commandNames.status:
          return answer(i, () => service.status(actor));
        case commandNames.language: {
          const wanted = stringOption(i, commandNames.languageOption);
          return answer(i, () =>
            wanted ? service.setLanguage(actor, wanted) : service.languageMenu(actor),
          );
        }
        case commandNames.export:
          return answer(i, () => service.exportData(actor), exportFile);
        case commandNames.forget:
          return answer(i, () => service.forgetPrompt(actor));
        case null:
        default:
          break;
      }
    }
    // A command this version does not know (e.g. still registered by an older one).
    return answer(i, () => help(actor, 'ui:discord.unknownCommand'));
  }

  async function onComponent(i: MessageComponentInteraction): Promise<void> {
    // In a server: with the server, so a panel's button records where the member came from and
    // settings buttons are checked against the member's permissions.
    const actor = memberActor(i);
    const shared = i.guildId !== null && !i.message.flags.has(MessageFlags.Ephemeral);
    if (shared) {
      // A button on a message everyone sees (a panel): never edit it for all. Opening a guide
      // goes to this member's DM, like /optout start; anything else is answered privately.
      const decoded = decodeAction(i.customId);
      if (decoded.type === 'ok' && decoded.action.type === 'open') {
        return walkthrough(i, () => service.press(actor, i.customId));
      }
      return answer(i, () => service.press(actor, i.customId));
    }
    const { value: reply, deferred } = await withinDeadline(
      () => service.press(actor, i.customId),
      () => i.deferUpdate(),
      deferAfterMs,
    );
    // A stale or forged button gets the current screen with the notice at its top, in the very
    // message that was clicked: one acknowledgement, nothing else to send.
    const message = render(reply);
    if (deferred) await i.editReply(message);
    else await i.update(message);
  }

  async function onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const focused = i.options.getFocused(true);
    if (i.commandName !== commandNames.optout || focused.name !== commandNames.guide) {
      await i.respond([]);
      return;
    }
    const language = await service.languageOf(actorOf(i));
    await i.respond(guideChoices(catalog, localizer, language, String(focused.value)));
  }

  return async (interaction) => {
    if (interaction.isChatInputCommand()) return onCommand(interaction);
    if (interaction.isMessageComponent()) return onComponent(interaction);
    if (interaction.isAutocomplete()) return onAutocomplete(interaction);
    if (interaction.isRepliable()) {
      const actor = actorOf(interaction);
      return answer(interaction, () => help(actor, 'ui:discord.unknownCommand'));
    }
  };
}
