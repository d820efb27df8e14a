import { describe, expect, it } from 'vitest';
import { resources, supportedLanguages } from '../../src/locales/index.js';

type Tree = { readonly [key: string]: string | Tree };

/** Every leaf of a resource tree as `dotted.path → value`. Plural forms are compared by base key. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

const pluralBase = (key: string): string => key.replace(/_(zero|one|two|few|many|other)$/, '');
const placeholders = (value: string): string[] =>
  [...new Set([...value.matchAll(/\{\{\s*([^}\s,]+)[^}]*\}\}/g)].map((m) => m[1] ?? ''))].sort();

describe('locales', () => {
  const namespaces = Object.keys(resources.en) as (keyof (typeof resources)['en'])[];

  it('ship English, French, Spanish, German, Brazilian Portuguese, Italian and Japanese', () => {
    expect([...supportedLanguages].sort()).toEqual(['de', 'en', 'es', 'fr', 'it', 'ja', 'pt-BR']);
    expect(supportedLanguages[0]).toBe('en');
  });

  describe.each(supportedLanguages.filter((l) => l !== 'en'))('%s', (language) => {
    it.each(namespaces)('has exactly the keys of English in %s', (ns) => {
      const reference = new Set([...leaves(resources.en[ns] as Tree).keys()].map(pluralBase));
      const translated = new Set(
        [...leaves(resources[language][ns] as Tree).keys()].map(pluralBase),
      );
      expect(
        [...reference].filter((k) => !translated.has(k)),
        'missing keys',
      ).toEqual([]);
      expect(
        [...translated].filter((k) => !reference.has(k)),
        'keys English does not have',
      ).toEqual([]);
    });

    it.each(namespaces)('uses the same {{placeholders}} as English in %s', (ns) => {
      const reference = new Map<string, string[]>();
      for (const [key, value] of leaves(resources.en[ns])) {
        reference.set(pluralBase(key), placeholders(value));
      }
      const mismatches: string[] = [];
      for (const [key, value] of leaves(resources[language][ns])) {
        const expected = reference.get(pluralBase(key)) ?? [];
        const found = placeholders(value);
        if (JSON.stringify(found) !== JSON.stringify(expected)) {
          mismatches.push(
            `${key}: ${JSON.stringify(found)} instead of ${JSON.stringify(expected)}`,
          );
        }
      }
      expect(mismatches).toEqual([]);
    });
  });

  it.each(supportedLanguages)('has no empty text in %s', (language) => {
    const empty = namespaces.flatMap((ns) =>
      [...leaves(resources[language][ns] as Tree)]
        .filter(([, v]) => v.trim() === '')
        .map(([k]) => `${ns}:${k}`),
    );
    expect(empty).toEqual([]);
  });

  it.each(supportedLanguages)('labels the Done button with a leading ✅ in %s', (language) => {
    expect(resources[language].ui.buttons.done.startsWith('✅')).toBe(true);
  });

  // Names exist for every planned language, so a language can be registered without editing the
  // others; what matters is that no shipped language is missing.
  it.each(supportedLanguages)('names every shipped language in %s', (language) => {
    expect(Object.keys(resources[language].ui.languageNames)).toEqual(
      expect.arrayContaining([...supportedLanguages]),
    );
  });
});
