import { describe, expect, it } from 'vitest';
import { matchLanguage, negotiateLanguage } from '../../src/core/language.js';

const supported = ['en', 'fr', 'pt-BR'];

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
    ['pt', undefined],
    ['', undefined],
    ['C', undefined],
    ['<script>', undefined],
  ])('maps the locale %j to %j', (locale, expected) => {
    expect(matchLanguage(locale, supported)).toBe(expected);
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
});
