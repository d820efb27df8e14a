import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { LocalizedScreen } from '../../app/localize.js';

/** Telegram's limit on a message's text, counted after HTML parsing. */
export const telegramTextLimit = 4096;

/** Escapes text for Telegram's HTML parse mode. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A message ready for `sendMessage` / `editMessageText` with `parse_mode: 'HTML'`. */
export interface TelegramMessage {
  readonly text: string;
  readonly reply_markup: InlineKeyboardMarkup;
}

/**
 * Formats a localized screen as a Telegram HTML message: the title in bold, the step line and
 * checkmarks, an italic notice, the paragraphs; buttons become an inline keyboard (actions as
 * `callback_data`, links as `url`). Every inserted value is escaped.
 */
export function formatScreen(screen: LocalizedScreen): TelegramMessage {
  const parts: string[] = [`<b>${escapeHtml(screen.title)}</b>`];
  const status = [screen.subtitle, screen.progress].filter((s): s is string => Boolean(s));
  if (status.length > 0) parts.push(escapeHtml(status.join('  ')));
  if (screen.notice) parts.push(`<i>${escapeHtml(screen.notice)}</i>`);
  const head = parts.join('\n');
  const body = fitBody([parts.map((p) => p.replace(/<[^>]+>/g, '')).join('\n')], screen.body)
    .map(escapeHtml)
    .join('\n\n');
  const inline_keyboard: InlineKeyboardButton[][] = screen.buttons.map((row) =>
    row.map((b) =>
      b.type === 'action'
        ? { text: b.label, callback_data: b.action }
        : { text: b.label, url: b.url },
    ),
  );
  return { text: body ? `${head}\n\n${body}` : head, reply_markup: { inline_keyboard } };
}

/**
 * The paragraphs that fit in one Telegram message after the head: when a screen is longer than
 * Telegram allows (a very long data export), the last paragraphs give way to "…" rather than
 * the message being refused. Lengths are counted as the user sees them (UTF-16 units).
 */
function fitBody(head: readonly string[], body: readonly string[]): readonly string[] {
  const length = (paragraphs: readonly string[]): number =>
    [...head, ...paragraphs].reduce((sum, p) => sum + p.length + 2, 0);
  if (length(body) <= telegramTextLimit) return body;
  const kept = [...body];
  while (kept.length > 0 && length([...kept, '…']) > telegramTextLimit) kept.pop();
  return [...kept, '…'];
}

/** A one-line message with a single link button (the group hand-off to a private chat). */
export function linkMessage(line: string, label: string, url: string): TelegramMessage {
  return { text: escapeHtml(line), reply_markup: { inline_keyboard: [[{ text: label, url }]] } };
}
