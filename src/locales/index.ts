import deGuides from './de/guides.json' with { type: 'json' };
import deUi from './de/ui.json' with { type: 'json' };
import enGuides from './en/guides.json' with { type: 'json' };
import enUi from './en/ui.json' with { type: 'json' };
import esGuides from './es/guides.json' with { type: 'json' };
import esUi from './es/ui.json' with { type: 'json' };
import frGuides from './fr/guides.json' with { type: 'json' };
import frUi from './fr/ui.json' with { type: 'json' };
import itGuides from './it/guides.json' with { type: 'json' };
import itUi from './it/ui.json' with { type: 'json' };
import jaGuides from './ja/guides.json' with { type: 'json' };
import jaUi from './ja/ui.json' with { type: 'json' };
import ptBrGuides from './pt-BR/guides.json' with { type: 'json' };
import ptBrUi from './pt-BR/ui.json' with { type: 'json' };

/**
 * Every shipped language's resources, by namespace: `ui` for the interface, `guides` for the
 * words of each guide (keyed by guide id, then step id). To add a language, add its folder with
 * both files and one line here; the locale test then checks it has every key of English.
 * Codes are those `matchLanguage` negotiates (`pt-BR` with its region: it is Brazilian).
 */
export const resources = {
  en: { ui: enUi, guides: enGuides },
  fr: { ui: frUi, guides: frGuides },
  es: { ui: esUi, guides: esGuides },
  de: { ui: deUi, guides: deGuides },
  'pt-BR': { ui: ptBrUi, guides: ptBrGuides },
  it: { ui: itUi, guides: itGuides },
  ja: { ui: jaUi, guides: jaGuides },
} as const;

/** The shipped languages, English first. */
export const supportedLanguages = Object.keys(resources) as (keyof typeof resources)[];

/** The English resources, the reference every other language must match. */
export type ReferenceResources = (typeof resources)['en'];
