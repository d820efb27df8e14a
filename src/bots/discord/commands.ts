import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  InteractionContextType,
  Locale,
  PermissionFlagsBits,
  Routes,
  type ChatInputCommandInteraction,
  type LocalizationMap,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Localizer } from '../../app/localize.js';
import type { Catalog } from '../../core/catalog.js';
import { fallbackLanguage, matchLanguage } from '../../core/language.js';
import type { TextKey } from '../../core/text.js';
import { guideTitle } from '../../core/walkthrough-view.js';
import { clip } from './format.js';

/**
 * The names Discord sends back in interactions: the commands' default (English) names. The
 * locale files hold every language's name under `ui:discord.commands.<id>.name`; English must
 * equal these (a test checks it).
 */
export const commandNames = {
  grokOptout: 'grok-optout',
  optout: 'optout',
  start: 'start',
  guide: 'guide',
  status: 'status',
  language: 'language',
  languageOption: 'language',
  export: 'export',
  forget: 'forget',
  admin: 'optout-admin',
  panel: 'panel',
  channel: 'channel',
  guides: 'guides',
  settings: 'settings',
  stats: 'stats',
} as const;

type CommandId = keyof typeof commandNames;

/**
 * The value of a string option, or null when it is missing or not a string: unlike discord.js's
 * `getString`, never throws for an option of another type (a forged or outdated command).
 */
export function stringOption(i: ChatInputCommandInteraction, name: string): string | null {
  const value = i.options.get(name)?.value;
  return typeof value === 'string' ? value : null;
}

/**
 * The id of a channel option, or null when it is missing or not a channel (never throws, like
 * {@link stringOption}).
 */
export function channelOption(i: ChatInputCommandInteraction, name: string): string | null {
  const option = i.options.get(name);
  return option?.type === ApplicationCommandOptionType.Channel && typeof option.value === 'string'
    ? option.value
    : null;
}

/** The longest `guides` list `/optout-admin panel` accepts (Discord allows up to 6000). */
export const maxGuidesOption = 300;

/** A command definition as `PUT /applications/{id}/commands` takes it. */
export type CommandDefinition = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** The Discord locales a language of ours is shown in (`fr` → `fr`; `es` → `es-ES`, `es-419`). */
export function discordLocalesOf(language: string): Locale[] {
  return Object.values(Locale).filter((locale) => matchLanguage(locale, [language]) === language);
}

/**
 * Builds the commands from the locale files: `/grok-optout`, and `/optout` with `start` (a guide
 * chosen by autocomplete), `status`, `language` (a choice of `languages`), `export` and
 * `forget`; and `/optout-admin` with `panel` (a channel, a list of guides), `settings` and
 * `stats`, for members with Manage Server by default (the bot checks again at every use, since a
 * server can change who may use a command). Names and descriptions are localized in every
 * language but English, the default. `global` adds where the commands may be used (servers, the
 * bot's DM, and other chats as a user-installed app; `/optout-admin` only in servers); server
 * commands cannot carry those fields.
 */
export function commandDefinitions(
  localizer: Localizer,
  languages: readonly string[],
  options: { readonly global: boolean },
): CommandDefinition[] {
  const others = languages.filter((l) => l !== fallbackLanguage);
  const t = (key: string, language: string): string =>
    localizer.text({ key: key as TextKey }, language);
  const localized = (key: string): LocalizationMap =>
    Object.fromEntries(
      others.flatMap((language) => discordLocalesOf(language).map((l) => [l, t(key, language)])),
    );
  const named = (id: CommandId) => ({
    name: commandNames[id],
    name_localizations: localized(`ui:discord.commands.${id}.name`),
    description: t(`ui:discord.commands.${id}.description`, fallbackLanguage),
    description_localizations: localized(`ui:discord.commands.${id}.description`),
  });
  const where = options.global
    ? {
        integration_types: [
          ApplicationIntegrationType.GuildInstall,
          ApplicationIntegrationType.UserInstall,
        ],
        contexts: [
          InteractionContextType.Guild,
          InteractionContextType.BotDM,
          InteractionContextType.PrivateChannel,
        ],
      }
    : {};
  return [
    { type: ApplicationCommandType.ChatInput, ...named('grokOptout'), ...where },
    {
      type: ApplicationCommandType.ChatInput,
      ...named('optout'),
      ...where,
      options: [
        {
          type: ApplicationCommandOptionType.Subcommand,
          ...named('start'),
          options: [
            {
              type: ApplicationCommandOptionType.String,
              ...named('guide'),
              required: false,
              autocomplete: true,
            },
          ],
        },
        { type: ApplicationCommandOptionType.Subcommand, ...named('status') },
        {
          type: ApplicationCommandOptionType.Subcommand,
          ...named('language'),
          options: [
            {
              type: ApplicationCommandOptionType.String,
              ...named('languageOption'),
              required: false,
              choices: languages.map((language) => ({
                name: t(`ui:languageNames.${language}`, language),
                value: language,
              })),
            },
          ],
        },
        { type: ApplicationCommandOptionType.Subcommand, ...named('export') },
        { type: ApplicationCommandOptionType.Subcommand, ...named('forget') },
      ],
    },
    {
      type: ApplicationCommandType.ChatInput,
      ...named('admin'),
      default_member_permissions: String(PermissionFlagsBits.ManageGuild),
      ...(options.global
        ? {
            integration_types: [ApplicationIntegrationType.GuildInstall],
            contexts: [InteractionContextType.Guild],
          }
        : {}),
      options: [
        {
          type: ApplicationCommandOptionType.Subcommand,
          ...named('panel'),
          options: [
            {
              type: ApplicationCommandOptionType.Channel,
              ...named('channel'),
              required: false,
              channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
            },
            {
              type: ApplicationCommandOptionType.String,
              ...named('guides'),
              required: false,
              max_length: maxGuidesOption,
            },
          ],
        },
        { type: ApplicationCommandOptionType.Subcommand, ...named('settings') },
        { type: ApplicationCommandOptionType.Subcommand, ...named('stats') },
      ],
    },
  ];
}

/** Discord's limits on autocomplete answers. */
const maxChoices = 25;
const maxChoiceName = 100;

/** Lower case without accents, so "reseau" finds "Réseau". */
const folded = (value: string): string =>
  value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

/**
 * The autocomplete choices for `/optout start guide:`: every guide whose title (in `language`) or
 * id contains what was typed, at most 25, named in the user's language, valued by guide id.
 */
export function guideChoices(
  catalog: Catalog,
  localizer: Localizer,
  language: string,
  typed: string,
): { name: string; value: string }[] {
  const wanted = folded(typed);
  return catalog.guides
    .map((guide) => ({
      name: clip(localizer.text(guideTitle(guide), language), maxChoiceName),
      value: guide.id,
    }))
    .filter((c) => folded(c.name).includes(wanted) || c.value.includes(wanted))
    .slice(0, maxChoices);
}

/** The fields of a command or option that matter when comparing, as Discord may return them. */
interface Comparable {
  readonly type?: number;
  readonly name: string;
  readonly name_localizations?: LocalizationMap | null;
  readonly description?: string;
  readonly description_localizations?: LocalizationMap | null;
  readonly required?: boolean;
  readonly autocomplete?: boolean;
  readonly channel_types?: readonly number[];
  readonly max_length?: number;
  readonly choices?: readonly { readonly name: string; readonly value: string | number }[];
  readonly options?: readonly Comparable[];
  readonly default_member_permissions?: string | null;
  readonly nsfw?: boolean;
  readonly contexts?: readonly number[] | null;
  readonly integration_types?: readonly number[];
}

/**
 * Orders strings by code unit: a canonical order, the same in every locale (`localeCompare`
 * would also load ICU's collation data, about 3 MB, for nothing).
 */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const sortedMap = (map: LocalizationMap | null | undefined) =>
  Object.entries(map ?? {})
    .filter(([, v]) => v !== null && v !== undefined)
    .sort(([a], [b]) => byCodeUnit(a, b));

const byNumber = (a: number, b: number): number => a - b;

/** A canonical form: Discord's defaults filled in, map keys sorted, so equal means unchanged. */
function canonical(item: Comparable, global: boolean): unknown {
  return [
    item.type ?? ApplicationCommandType.ChatInput,
    item.name,
    sortedMap(item.name_localizations),
    item.description ?? '',
    sortedMap(item.description_localizations),
    item.required ?? false,
    item.autocomplete ?? false,
    [...(item.channel_types ?? [])].sort(byNumber),
    item.max_length ?? null,
    (item.choices ?? []).map((c) => [c.name, c.value]),
    (item.options ?? []).map((o) => canonical(o, false)),
    item.default_member_permissions ?? null,
    item.nsfw ?? false,
    global ? [...(item.contexts ?? [])].sort(byNumber) : [],
    global
      ? [...(item.integration_types ?? [ApplicationIntegrationType.GuildInstall])].sort(byNumber)
      : [],
  ];
}

const fingerprint = (commands: readonly Comparable[], global: boolean): string =>
  JSON.stringify(
    [...commands].sort((a, b) => byCodeUnit(a.name, b.name)).map((c) => canonical(c, global)),
  );

/**
 * Makes the registered commands match `definitions`: globally, or in one server when `guildId`
 * is set (instant updates while developing). Reads what is registered (with localizations) and
 * overwrites it only when something differs, since Discord limits command writes per day.
 * Returns true when it wrote. Throws the REST error (e.g. 50001 when the bot is not in that
 * server).
 */
export async function syncCommands(
  rest: REST,
  applicationId: string,
  definitions: readonly CommandDefinition[],
  guildId?: string,
): Promise<boolean> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const global = guildId === undefined;
  const current = (await rest.get(route, {
    query: new URLSearchParams({ with_localizations: 'true' }),
  })) as Comparable[];
  if (fingerprint(current, global) === fingerprint(definitions, global)) {
    return false;
  }
  await rest.put(route, { body: definitions });
  return true;
}
