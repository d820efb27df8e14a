import { describe, expect, it } from 'vitest';
import { commandDefinitions, discordLocalesOf } from '../../../src/bots/discord/commands.js';
import { supportedLanguages } from '../../../src/locales/index.js';
import { discordLocalizer } from './harness.js';

/** A command or option as sent to Discord, with its localizations. */
interface Named {
  readonly name: string;
  readonly description?: string;
  readonly name_localizations?: Record<string, string> | null;
  readonly description_localizations?: Record<string, string> | null;
  readonly options?: readonly Named[];
}

/** Every command and option, depth first. */
const all = (items: readonly Named[]): Named[] =>
  items.flatMap((item) => [item, ...all(item.options ?? [])]);

// Discord's rule for command and option names (lower case where the script has case).
const validName = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

describe('Discord command localizations', () => {
  const definitions = all(
    commandDefinitions(discordLocalizer, supportedLanguages, { global: true }) as Named[],
  );

  it.each(supportedLanguages.filter((l) => l !== 'en'))(
    'names and describes every command and option in %s, in each of its Discord locales',
    (language) => {
      const locales = discordLocalesOf(language);
      expect(locales.length).toBeGreaterThan(0);
      for (const item of definitions) {
        for (const locale of locales) {
          const name = item.name_localizations?.[locale];
          const description = item.description_localizations?.[locale];
          expect(name, `${item.name} in ${locale}`).toMatch(validName);
          expect(name, `${item.name} in ${locale}`).toBe(name?.toLowerCase());
          if (item.description !== undefined) {
            expect(description?.length ?? 0, `${item.name} in ${locale}`).toBeGreaterThan(0);
            expect(description?.length ?? 0, `${item.name} in ${locale}`).toBeLessThanOrEqual(100);
          }
        }
      }
    },
  );

  it.each([
    ['es', ['es-ES', 'es-419']],
    ['pt-BR', ['pt-BR']],
    ['de', ['de']],
    ['it', ['it']],
    ['ja', ['ja']],
  ])('shows %s in the Discord locales %j', (language, locales) => {
    expect(discordLocalesOf(language).sort()).toEqual([...locales].sort());
  });
});
