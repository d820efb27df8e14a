import type { LocalizedButton, LocalizedScreen } from '../../app/localize.js';

/** Wraps a paragraph at `width` columns, on spaces. */
export function wrap(paragraph: string, width = 78): string {
  const lines: string[] = [];
  let line = '';
  // Split on ordinary spaces only: no-break spaces (French « », :) keep words together.
  for (const word of paragraph.split(/[ \t\n]+/).filter(Boolean)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  if (line.length > 0) lines.push(line);
  return lines.join('\n');
}

/** A numbered choice on the terminal: what typing its number does. */
export type Choice =
  | { readonly type: 'action'; readonly action: string }
  | { readonly type: 'menu'; readonly action: string };

/**
 * Renders a screen for the terminal: title, step line, checkmarks, text, links, then the
 * screen's buttons and the menu entries as numbered choices. Returns the text and what each
 * number does.
 */
export function renderScreen(
  screen: LocalizedScreen,
  menu: readonly { label: string; action: string }[],
  linkLine: (label: string, url: string) => string,
): { text: string; choices: Map<string, string> } {
  const out: string[] = ['', `━━ ${screen.title} ━━`];
  const status = [screen.subtitle, screen.progress].filter(Boolean).join('   ');
  if (status) out.push(status);
  if (screen.notice) out.push('', `⚠️  ${screen.notice}`);
  out.push('');
  for (const paragraph of screen.body) out.push(wrap(paragraph), '');
  const buttons = screen.buttons.flat();
  const links = buttons.filter(
    (b): b is Extract<LocalizedButton, { type: 'link' }> => b.type === 'link',
  );
  for (const link of links) out.push(`🔗 ${linkLine(link.label, link.url)}`);
  if (links.length > 0) out.push('');
  const choices = new Map<string, string>();
  const actions = [
    ...buttons.filter(
      (b): b is Extract<LocalizedButton, { type: 'action' }> => b.type === 'action',
    ),
    ...menu,
  ];
  actions.forEach((b, index) => {
    const number = String(index + 1);
    choices.set(number, b.action);
    if (index === actions.length - menu.length && menu.length > 0 && index > 0) out.push('  ─');
    out.push(`  ${number.padStart(2)}) ${b.label}`);
  });
  return { text: out.join('\n'), choices };
}
