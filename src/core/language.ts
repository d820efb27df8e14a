/**
 * Language negotiation (DESIGN.md "Languages"): an explicit choice wins, then the platform's
 * locale for the user, then the community's default, then English.
 */

/** What is known about a user's language, strongest first. */
export interface LanguageHints {
  /** The user's own choice (`/language`). */
  readonly explicit?: string | null;
  /** Discord `interaction.locale`, Telegram `from.language_code`, or the terminal's `LANG`. */
  readonly platformLocale?: string | null;
  /** The community's default language. */
  readonly communityDefault?: string | null;
}

/** The language every shipped text exists in. */
export const fallbackLanguage = 'en';

/**
 * Maps a locale as platforms send it (`fr`, `fr-CA`, `pt-br`, `en_US.UTF-8`, `es-419`) to one
 * of the supported languages, or undefined. An exact region match wins (`pt-BR`), then the base
 * language (`fr-CA` → `fr`, `es-419` → `es`), then the one regional variant shipped for that
 * base, if there is exactly one: `pt` and `pt-PT` → `pt-BR`. That last step is a deliberate
 * choice: any Portuguese reader follows Brazilian Portuguese far better than English, and
 * `/language` is one tap away. With two variants of a base shipped, none is guessed.
 */
export function matchLanguage(
  locale: string | null | undefined,
  supported: readonly string[],
): string | undefined {
  if (!locale) return undefined;
  const cleaned = locale.trim().split('.')[0]?.split('@')[0]?.replace('_', '-') ?? '';
  if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,4})?$/.test(cleaned)) return undefined;
  const [base = '', region] = cleaned.split('-');
  const wanted = region ? `${base.toLowerCase()}-${region.toUpperCase()}` : base.toLowerCase();
  const exact = supported.find((l) => l.toLowerCase() === wanted.toLowerCase());
  if (exact) return exact;
  const sameBase = supported.find((l) => l.toLowerCase() === base.toLowerCase());
  if (sameBase) return sameBase;
  const variants = supported.filter((l) => l.toLowerCase().startsWith(`${base.toLowerCase()}-`));
  return variants.length === 1 ? variants[0] : undefined;
}

/** Picks the language to speak to a user in: always one of `supported`. */
export function negotiateLanguage(hints: LanguageHints, supported: readonly string[]): string {
  return (
    matchLanguage(hints.explicit, supported) ??
    matchLanguage(hints.platformLocale, supported) ??
    matchLanguage(hints.communityDefault, supported) ??
    (supported.includes(fallbackLanguage) ? fallbackLanguage : (supported[0] ?? fallbackLanguage))
  );
}
