import { describe, expect, it } from 'vitest';
import { matchLanguage, negotiateLanguage } from '../../src/core/language.js';

const supported = ['en', 'fr', 'pt-BR'];
/** The seven shipped languages, as `src/locales/index.ts` registers them. */
const shipped = ['en', 'fr', 'es', 'de', 'pt-BR', 'it', 'ja'];

describe('language negotiation', () => {
  it.each([
    ['fr', 'fr'],
    ['fr-CA', 'fr'],
    ['fr-ca', 'fr'],
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['pt-br', 'pt-BR'],
    ['pt-BR', 'pt-BR'],
    ['fr_FR.UTF-8', 'fr'],
    ['de', undefined],
    ['', undefined],
    ['C', undefined],
    ['<script>', undefined],
  ])('maps the locale %j to %j', (locale, expected) => {
    expect(matchLanguage(locale, supported)).toBe(expected);
  });

  it.each([
    // Discord locales (interaction.locale).
    ['es-ES', 'es'],
    ['es-419', 'es'],
    ['pt-BR', 'pt-BR'],
    ['de', 'de'],
    ['it', 'it'],
    ['ja', 'ja'],
    ['fr', 'fr'],
    ['en-US', 'en'],
    ['en-GB', 'en'],
    // Telegram language_code values.
    ['es', 'es'],
    ['pt-br', 'pt-BR'],
    ['de-AT', 'de'],
    ['it-CH', 'it'],
    ['ja-JP', 'ja'],
    ['es-mx', 'es'],
    // Portuguese without Brazil: the one Portuguese we ship, by choice (see matchLanguage).
    ['pt', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['zh-CN', undefined],
    ['ko', undefined],
  ])('maps %j to %j among the shipped languages', (locale, expected) => {
    expect(matchLanguage(locale, shipped)).toBe(expected);
  });

  it('guesses no variant when two variants of a language are shipped', () => {
    expect(matchLanguage('pt', ['en', 'pt-BR', 'pt-PT'])).toBeUndefined();
    expect(matchLanguage('pt-PT', ['en', 'pt-BR', 'pt-PT'])).toBe('pt-PT');
  });

  it.each([
    [{ explicit: 'fr', platformLocale: 'en-US', communityDefault: 'en' }, 'fr'],
    [{ explicit: null, platformLocale: 'fr-CA', communityDefault: 'en' }, 'fr'],
    [{ explicit: 'xx', platformLocale: 'de', communityDefault: 'fr' }, 'fr'],
    [{ platformLocale: 'ja' }, 'en'],
    [{}, 'en'],
  ])(
    'prefers choice, then platform locale, then community, then English: %j',
    (hints, expected) => {
      expect(negotiateLanguage(hints, supported)).toBe(expected);
    },
  );

  it('speaks Japanese to a Japanese client and Portuguese to a Brazilian one', () => {
    expect(negotiateLanguage({ platformLocale: 'ja' }, shipped)).toBe('ja');
    expect(negotiateLanguage({ platformLocale: 'pt-BR', communityDefault: 'en' }, shipped)).toBe(
      'pt-BR',
    );
  });
});
