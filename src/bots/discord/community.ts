import {
  DiscordAPIError,
  MessageFlags,
  PermissionFlagsBits,
  Routes,
  type BaseInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { Localizer } from '../../app/localize.js';
import type { Logger } from '../../app/logger.js';
import type { Actor, Reply, WalkthroughService } from '../../app/service.js';
import { wasRefused } from '../../app/service-types.js';
import { encodeAction } from '../../core/actions.js';
import type { Catalog } from '../../core/catalog.js';
import type { CommunityKey } from '../../core/ports.js';
import { text, type TextKey } from '../../core/text.js';
import type { Screen } from '../../core/view.js';
import { guideTitle } from '../../core/walkthrough-view.js';
import { channelOption, commandNames, stringOption } from './commands.js';
import { clip, discordLimits, escapeDiscord, type DiscordMessage } from './format.js';
import { describeError } from './errors.js';
import { actorOf } from './interactions.js';

/** The server an interaction comes from, as a community. */
export function communityOf(interaction: BaseInteraction): CommunityKey | undefined {
  return interaction.guildId === null
    ? undefined
    : { platform: 'discord', communityId: interaction.guildId };
}

/**
 * The user behind an interaction in a server, with the server: its locale (for the panel and
 * members with no language), and whether Discord says they may manage it, asked at every use
 * (a server can let anyone run a command whatever its default permissions).
 */
export function memberActor(interaction: BaseInteraction): Actor {
  const community = communityOf(interaction);
  if (!community) return actorOf(interaction);
  return {
    ...actorOf(interaction),
    community,
    communityLocale: interaction.guildLocale,
    isAdmin: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true,
  };
}

/** What the admin commands share with the rest of the adapter. */
export interface CommunityKit {
  readonly service: WalkthroughService;
  readonly localizer: Localizer;
  readonly catalog: Catalog;
  readonly log: Logger;
  readonly render: (reply: Reply) => DiscordMessage;
  /** Answers with a screen (ephemerally in a server), within Discord's deadline. */
  readonly answer: (i: ChatInputCommandInteraction, produce: () => Promise<Reply>) => Promise<void>;
}

/** How many unknown guide ids a refusal quotes, and how much of each. */
const quotedIds = 5;
const quotedIdLength = 32;

/** The guide ids of the `guides` option: trimmed, lower case, without repeats; [] when empty. */
export function parseGuideList(typed: string): string[] {
  return [
    ...new Set(
      typed
        .split(',')
        .map((id) => id.trim().toLowerCase())
        .filter((id) => id !== ''),
    ),
  ];
}

/** A panel showing `guideIds` instead of the server's featured guides. */
function withGuides(screen: Screen, catalog: Catalog, guideIds: readonly string[]): Screen {
  return {
    ...screen,
    buttons: guideIds.flatMap((id) => {
      const guide = catalog.get(id);
      return guide
        ? [
            [
              {
                type: 'action',
                label: guideTitle(guide),
                action: encodeAction({ type: 'open', guideId: id }),
              },
            ],
          ]
        : [];
    }),
  };
}

/**
 * `/optout-admin` (`panel`, `settings`, `stats`). Everything goes through the service's admin
 * check: a member without Manage Server gets a polite refusal (only they see it) and nothing
 * happens. Settings and stats are shown only to the admin who asked. Returns false for a
 * subcommand this version does not know (the caller shows the help).
 */
export function createAdminCommand(
  kit: CommunityKit,
): (i: ChatInputCommandInteraction) => Promise<boolean> {
  const { service, localizer, catalog, log, render, answer } = kit;
  const say = (line: string): DiscordMessage => ({
    content: clip(escapeDiscord(line), discordLimits.content),
    embeds: [],
    components: [],
  });
  const words = (key: TextKey, language: string, params: Record<string, string> = {}): string =>
    localizer.text(text(key, params), language);

  /**
   * Posts the panel in the chosen channel (or this one) through REST: a normal message everyone
   * sees, whose buttons keep working after restarts since they carry only the guide id.
   */
  async function panel(i: ChatInputCommandInteraction): Promise<void> {
    // Acknowledge first: posting takes a request that discord.js may delay on a rate limit.
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    const actor = memberActor(i);
    const reply = await service.panel(actor);
    if (wasRefused(reply)) {
      await i.editReply(render(reply));
      return;
    }
    // The admin's own language for what only they see; the server's for the panel.
    const adminLanguage = await service.languageOf(actor);
    const typed = stringOption(i, commandNames.guides) ?? '';
    const wanted = parseGuideList(typed);
    const unknown = wanted.filter((id) => !catalog.get(id));
    if (unknown.length > 0) {
      const ids = unknown
        .slice(0, quotedIds)
        .map((id) => clip(id, quotedIdLength))
        .join(', ');
      await i.editReply(say(words('ui:discord.unknownGuides', adminLanguage, { ids })));
      return;
    }
    const screen = wanted.length > 0 ? withGuides(reply.screen, catalog, wanted) : reply.screen;
    if (screen.buttons.length === 0) {
      await i.editReply(say(words('ui:discord.noGuides', adminLanguage)));
      return;
    }
    const message = render({ ...reply, screen });
    const channelId = channelOption(i, commandNames.channel) ?? i.channelId;
    try {
      await i.client.rest.post(Routes.channelMessages(channelId), {
        body: {
          embeds: message.embeds,
          components: message.components,
          allowed_mentions: { parse: [] },
        },
      });
    } catch (error) {
      if (!(error instanceof DiscordAPIError)) throw error;
      log.warn({ err: describeError(error) }, 'discord: could not post a panel');
      await i.editReply(say(words('ui:discord.panelNotPosted', adminLanguage)));
      return;
    }
    await i.editReply(say(words('ui:discord.panelPosted', adminLanguage)));
  }

  return async (i) => {
    switch (i.options.getSubcommand(false)) {
      case commandNames.panel:
        await panel(i);
        return true;
      case commandNames.settings:
        await answer(i, () => service.communitySettings(memberActor(i)));
        return true;
      case commandNames.stats:
        await answer(i, () => service.communityStats(memberActor(i)));
        return true;
      case null:
      default:
        return false;
    }
  };
}
