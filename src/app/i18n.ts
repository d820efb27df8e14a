import i18next, { type i18n as I18n } from 'i18next';
import type { Catalog } from '../core/catalog.js';
import { resources, supportedLanguages, type ReferenceResources } from '../locales/index.js';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'ui';
    resources: ReferenceResources;
  }
}

type LabelTree = Record<string, Record<string, Record<string, string>>>;

/**
 * The platform labels of every guide, as an i18next namespace per language:
 * `labels:<guide>.<step>.<name>`. A language without its own label falls back to English.
 */
export function labelResources(catalog: Catalog): Record<string, LabelTree> {
  const byLanguage: Record<string, LabelTree> = {};
  for (const guide of catalog.guides) {
    // "What changed" lines, as `labels:<guide>._changes.<version>` (no step id starts with _).
    for (const [version, perLanguage] of Object.entries(guide.changes)) {
      for (const [language, line] of Object.entries(perLanguage)) {
        const steps = ((byLanguage[language] ??= {})[guide.id] ??= {});
        (steps['_changes'] ??= {})[version] = line;
      }
    }
    for (const step of guide.steps) {
      for (const [name, perLanguage] of Object.entries(step.labels)) {
        for (const [language, label] of Object.entries(perLanguage)) {
          const tree = (byLanguage[language] ??= {});
          const steps = (tree[guide.id] ??= {});
          (steps[step.id] ??= {})[name] = typeof label === 'string' ? label : label.text;
        }
      }
    }
  }
  return byLanguage;
}

/**
 * Creates an i18next instance with every shipped language and the catalog's labels, ready to
 * use (synchronous initialisation). Values are not escaped here: each adapter escapes for its
 * own markup.
 */
export function createI18n(catalog: Catalog): I18n {
  const labels = labelResources(catalog);
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...supportedLanguages],
    ns: ['ui', 'guides', 'labels'],
    defaultNS: 'ui',
    resources: Object.fromEntries(
      supportedLanguages.map((language) => [
        language,
        { ...resources[language], labels: labels[language] ?? {} },
      ]),
    ),
    interpolation: { escapeValue: false },
    returnEmptyString: false,
    keySeparator: '.',
    nsSeparator: ':',
  });
  return instance;
}
