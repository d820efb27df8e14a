import {
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
} from 'discord.js';
import type { LocalizedButton, LocalizedScreen } from '../../app/localize.js';
import { decodeAction } from '../../core/actions.js';

/** Discord's limits on what one message may hold (platforms.md B9). */
export const discordLimits = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  buttonLabel: 80,
  buttonsPerRow: 5,
  rows: 5,
} as const;

/** A row of buttons as Discord's API takes it. */
export type ButtonRow = APIActionRowComponent<APIButtonComponent>;

/**
 * A message ready for discord.js (`reply`, `update`, `editReply`) or the REST API: plain API
 * objects, so the same value serves an interaction response and a DM. `content` is the line
 * above the embed ('' for none; an edit with '' clears an earlier line).
 */
export interface DiscordMessage {
  readonly content: string;
  readonly embeds: APIEmbed[];
  readonly components: ButtonRow[];
}

/**
 * Escapes Discord markdown in text we insert (bold, italics, code, spoilers, headings, lists,
 * masked links, block quotes, subtext), so a label such as `*_Grok_*` shows as typed.
 * `<t:unix:R>` timestamps are left intact.
 */
export function escapeDiscord(value: string): string {
  return escapeMarkdown(value, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  }).replace(/^( *)(>|-#)/gm, '$1\\$2');
}

/** Shortens `value` to at most `max` UTF-16 units, ending with "…", never splitting a character. */
export function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  let kept = '';
  for (const char of value) {
    if (kept.length + char.length > max - 1) break;
    kept += char;
  }
  return `${kept.trimEnd()}…`;
}

/** The look of an action button: the step forward in green, opening a guide in blue. */
function styleOf(
  action: string,
): ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success {
  const decoded = decodeAction(action);
  if (decoded.type !== 'ok') return ButtonStyle.Secondary;
  const { action: a } = decoded;
  if (a.type === 'step' && a.move === 'done') return ButtonStyle.Success;
  if (a.type === 'reminder' && a.answer === 'stillOff') return ButtonStyle.Success;
  if (a.type === 'open') return ButtonStyle.Primary;
  return ButtonStyle.Secondary;
}

function button(b: LocalizedButton): APIButtonComponent {
  const label = clip(b.label, discordLimits.buttonLabel);
  return b.type === 'link'
    ? { type: ComponentType.Button, style: ButtonStyle.Link, label, url: b.url }
    : { type: ComponentType.Button, style: styleOf(b.action), label, custom_id: b.action };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Lays buttons out within Discord's limits: rows wider than 5 are split; with more than 5 rows,
 * the buttons are packed 5 to a row and those past the 25th dropped. A repeated action id
 * (Discord refuses duplicates in one message) keeps its first button.
 */
export function layoutButtons(rows: readonly (readonly LocalizedButton[])[]): ButtonRow[] {
  const seen = new Set<string>();
  const kept = rows
    .map((row) =>
      row.filter((b) => {
        if (b.type === 'link') return true;
        if (seen.has(b.action)) return false;
        seen.add(b.action);
        return true;
      }),
    )
    .filter((row) => row.length > 0)
    .flatMap((row) => chunk(row.map(button), discordLimits.buttonsPerRow));
  const fitted =
    kept.length > discordLimits.rows
      ? chunk(kept.flat(), discordLimits.buttonsPerRow).slice(0, discordLimits.rows)
      : kept;
  return fitted.map((components) => ({ type: ComponentType.ActionRow, components }));
}

/**
 * Formats a localized screen as one embed with buttons: the title; then the step line with its
 * checkmarks, the notice in italics, and the paragraphs. Every inserted text is escaped and
 * clipped to the embed limits; action buttons carry the core's ids as `custom_id`.
 */
export function formatScreen(screen: LocalizedScreen): DiscordMessage {
  const status = [screen.subtitle, screen.progress]
    .filter((s): s is string => Boolean(s))
    .map(escapeDiscord)
    .join('  ');
  const notice = screen.notice?.trim() ? `*${escapeDiscord(screen.notice.trim())}*` : '';
  const head = [status, notice].filter((s) => s !== '').join('\n');
  const body = screen.body.map(escapeDiscord).join('\n\n');
  const description = [head, body].filter((s) => s !== '').join('\n\n');
  const embed: APIEmbed = {
    title: clip(escapeDiscord(screen.title), discordLimits.embedTitle),
    ...(description ? { description: clip(description, discordLimits.embedDescription) } : {}),
  };
  return { content: '', embeds: [embed], components: layoutButtons(screen.buttons) };
}

/** A one-line message with a single link button (the pointer to the walkthrough in DM). */
export function linkMessage(line: string, label: string, url: string): DiscordMessage {
  return {
    content: clip(escapeDiscord(line), discordLimits.content),
    embeds: [],
    components: layoutButtons([[{ type: 'link', label, url }]]),
  };
}

/** `message` with a line of text above its embed (e.g. why the walkthrough is not in DM). */
export function withLine(message: DiscordMessage, line: string): DiscordMessage {
  return { ...message, content: clip(escapeDiscord(line), discordLimits.content) };
}
