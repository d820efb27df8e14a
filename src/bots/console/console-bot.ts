import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { encodeAction } from '../../core/actions.js';
import { text } from '../../core/text.js';
import type { Localizer } from '../../app/localize.js';
import type { Actor, Reply, WalkthroughService } from '../../app/service.js';
import { renderScreen } from './render.js';

/** What the terminal adapter needs. */
export interface ConsoleOptions {
  readonly service: WalkthroughService;
  readonly localizer: Localizer;
  readonly input: Readable;
  readonly output: Writable;
  /** The guide to open first. */
  readonly guideId: string;
  /** A language chosen with `--lang` (saved as the user's choice), if any. */
  readonly language?: string;
  /** The terminal's locale, e.g. from `LANG`. */
  readonly locale?: string;
}

/** The one terminal user: the person at the keyboard (no name or account is stored). */
export const consoleUserId = 'local';

/**
 * The terminal adapter: the same walkthrough as on Telegram and Discord, with numbered choices.
 * Opens `guideId` (resuming where the user left off), then reads one choice per line until the
 * user types `q` or the input ends. Resolves when it is done.
 */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { service, localizer, output } = options;
  const actor: Actor = {
    platform: 'console',
    platformUserId: consoleUserId,
    locale: options.locale ?? null,
  };
  const write = (line: string): void => {
    output.write(`${line}\n`);
  };

  if (options.language) await service.setLanguage(actor, options.language);
  let reply = await service.openGuide(actor, options.guideId);
  write(localizer.text(text('ui:console.intro'), reply.language));

  const menu = (language: string) => [
    {
      label: localizer.text(text('ui:buttons.guides'), language),
      action: encodeAction({ type: 'guides' }),
    },
    {
      label: localizer.text(text('ui:buttons.status'), language),
      action: encodeAction({ type: 'status' }),
    },
    { label: localizer.text(text('ui:language.title'), language), action: 'language' },
    { label: localizer.text(text('ui:privacy.exportTitle'), language), action: 'export' },
    { label: localizer.text(text('ui:privacy.forgetTitle'), language), action: 'forget' },
  ];

  let choices = new Map<string, string>();
  const show = (current: Reply): void => {
    const rendered = renderScreen(
      localizer.screen(current.screen, current.language),
      menu(current.language),
      (label, url) => localizer.text(text('ui:console.link', { label, url }), current.language),
    );
    choices = rendered.choices;
    write(rendered.text);
    output.write(localizer.text(text('ui:console.prompt'), current.language));
  };
  show(reply);

  const lines = createInterface({ input: options.input, terminal: false });
  for await (const raw of lines) {
    const answer = raw.trim().toLowerCase();
    if (answer === 'q' || answer === 'quit' || answer === 'exit') break;
    const action = choices.get(answer);
    if (action === undefined) {
      write(localizer.text(text('ui:console.invalid'), reply.language));
      output.write(localizer.text(text('ui:console.prompt'), reply.language));
      continue;
    }
    if (action === 'export') {
      const exported = await service.exportData(actor);
      reply = exported;
      show(reply);
      if (exported.document) write(`\n${exported.document.json}`);
      continue;
    }
    reply =
      action === 'language'
        ? await service.languageMenu(actor)
        : action === 'forget'
          ? await service.forgetPrompt(actor)
          : await service.press(actor, action);
    show(reply);
  }
  lines.close();
  write('');
  write(localizer.text(text('ui:console.bye'), reply.language));
}
