import type { Api } from 'grammy';
import type { BotCommand, BotCommandScope } from 'grammy/types';
import type { Localizer } from '../../app/localize.js';
import type { TextKey } from '../../core/text.js';

/** The commands shown in private chats, in menu order. Telegram allows no hyphens: `grok_optout`. */
export const privateCommands = [
  'grok_optout',
  'guides',
  'status',
  'language',
  'export',
  'forget',
  'help',
] as const;
/** The commands shown in groups: only the hand-off to a private chat, and help. */
export const groupCommands = ['grok_optout', 'help'] as const;
/** What group admins see besides: the community layer. */
export const adminCommands = [
  ...groupCommands,
  'optout_panel',
  'optout_settings',
  'optout_stats',
] as const;

const scopes: readonly { scope: BotCommandScope; commands: readonly string[] }[] = [
  { scope: { type: 'all_private_chats' }, commands: privateCommands },
  { scope: { type: 'all_group_chats' }, commands: groupCommands },
  { scope: { type: 'all_chat_administrators' }, commands: adminCommands },
];

const same = (a: readonly BotCommand[], b: readonly BotCommand[]): boolean =>
  a.length === b.length &&
  a.every((c, i) => c.command === b[i]?.command && c.description === b[i]?.description);

/**
 * The `language_code` to publish a language's menu under. Telegram takes only two-letter
 * ISO 639-1 codes there, so `pt-BR` is published as `pt` (every Portuguese client sees it, as
 * `matchLanguage` also speaks Brazilian Portuguese to them). When two shipped languages share a
 * base, the first one listed gets the menu.
 */
export function telegramMenuCodes(languages: readonly string[]): Map<string, string> {
  const codes = new Map<string, string>();
  for (const language of languages) {
    const code = language.split('-')[0]?.toLowerCase() ?? '';
    if (/^[a-z]{2}$/.test(code) && !codes.has(code)) codes.set(code, language);
  }
  return codes;
}

/**
 * Publishes the command menus for private chats and groups, in every language (and in English
 * for clients in other languages), calling `setMyCommands` only where the published list differs.
 * Returns how many lists were changed.
 */
export async function syncCommands(
  api: Api,
  localizer: Localizer,
  languages: readonly string[],
): Promise<number> {
  let changed = 0;
  for (const { scope, commands } of scopes) {
    for (const [code, language] of [[undefined, 'en'] as const, ...telegramMenuCodes(languages)]) {
      const wanted: BotCommand[] = commands.map((command) => ({
        command,
        description: localizer.text(
          { key: `ui:telegram.commands.${command}` as TextKey },
          language,
        ),
      }));
      // grammY types language codes as a closed union; ours are checked two-letter codes.
      const target = (
        code === undefined ? { scope } : { scope, language_code: code }
      ) as Parameters<Api['getMyCommands']>[0];
      const current = await api.getMyCommands(target);
      if (!same(current, wanted)) {
        await api.setMyCommands(wanted, target);
        changed += 1;
      }
    }
  }
  return changed;
}
