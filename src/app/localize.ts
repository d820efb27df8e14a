import type { i18n as I18n, TOptions } from 'i18next';
import { isText, type RelativeTime, type Text, type TextParam } from '../core/text.js';
import type { Button, Screen } from '../core/view.js';

/** How a platform shows a moment relative to now. */
export type TimeStyle =
  /** "in 30 days", in the user's language (Telegram, terminal). */
  | 'words'
  /** Discord's `<t:unix:R>` timestamp, which each client shows in its own language and zone. */
  | 'discord';

/** A button with its label in words. */
export type LocalizedButton =
  | { readonly type: 'action'; readonly label: string; readonly action: string }
  | { readonly type: 'link'; readonly label: string; readonly url: string };

/** A {@link Screen} in one language: plain text, to be formatted (and escaped) by the adapter. */
export interface LocalizedScreen {
  readonly title: string;
  readonly subtitle?: string;
  readonly progress?: string;
  readonly notice?: string;
  readonly body: readonly string[];
  readonly buttons: readonly (readonly LocalizedButton[])[];
}

/** Translates texts and screens into one language, in a platform's time style. */
export interface Localizer {
  text(value: Text, language: string): string;
  screen(screen: Screen, language: string): LocalizedScreen;
}

const units = [
  { unit: 'days', ms: 86_400_000 },
  { unit: 'hours', ms: 3_600_000 },
  { unit: 'minutes', ms: 60_000 },
  { unit: 'seconds', ms: 1_000 },
] as const;

/** How many rendered texts a localizer keeps (a few per key and language in practice). */
const cacheLimit = 10_000;

/** How a moment reads relative to now: the largest whole unit, or "now". */
function relativeWords({ at, from }: RelativeTime): { unit: string; count: number } | 'now' {
  const diff = at - from;
  const match = units.find((u) => diff >= u.ms);
  return match ? { unit: match.unit, count: Math.round(diff / match.ms) } : 'now';
}

/**
 * A string naming a text and its parameters exactly (the same string for the same rendering),
 * or undefined when it cannot be cached: a moment in Discord's style, a timestamp every
 * rendering differs by. A moment in words is named by what it reads ("30 days"), not by when.
 */
function cacheKey(value: Text, time: TimeStyle): string | undefined {
  if (value.params === undefined) return value.key;
  let key = `${value.key}(`;
  for (const [name, p] of Object.entries(value.params)) {
    if (typeof p === 'string') key += `${name}=s${JSON.stringify(p)},`;
    else if (typeof p === 'number') key += `${name}=n${p},`;
    else if (isText(p)) {
      const nested = cacheKey(p, time);
      if (nested === undefined) return undefined;
      key += `${name}=t${nested},`;
    } else if (time === 'words') {
      const words = relativeWords(p);
      key += words === 'now' ? `${name}=now,` : `${name}=r${words.count} ${words.unit},`;
    } else return undefined;
  }
  return `${key})`;
}

/** Creates a {@link Localizer} over an i18next instance made by `createI18n`. */
export function createLocalizer(i18n: I18n, time: TimeStyle): Localizer {
  // Keys are typed where they are made (core `TextKey`); guide and label keys come from data
  // files and are checked when the catalog loads, so here a key is a plain string.
  const t = i18n.t.bind(i18n) as unknown as (key: string, options: TOptions) => string;
  const translate = (key: string, language: string, options: TOptions): string =>
    t(key, { ...options, lng: language });

  const relative = (moment: RelativeTime, language: string): string => {
    if (time === 'discord') return `<t:${Math.floor(moment.at / 1000)}:R>`;
    const words = relativeWords(moment);
    if (words === 'now') return translate('ui:time.now', language, {});
    const duration = translate(`ui:duration.${words.unit}`, language, { count: words.count });
    return translate('ui:time.in', language, { duration });
  };

  const param = (value: TextParam, language: string): string | number => {
    if (typeof value === 'string' || typeof value === 'number') return value;
    return isText(value) ? text(value, language) : relative(value, language);
  };

  const render = (value: Text, language: string): string => {
    const params = Object.fromEntries(
      Object.entries(value.params ?? {}).map(([name, p]) => [name, param(p, language)]),
    );
    return translate(value.key, language, params);
  };

  // The resources never change once loaded, so a text with the same key and parameters always
  // reads the same: most of a screen (titles, buttons, step bodies with their labels) is looked
  // up here instead of going through i18next's resolution and interpolation again. Texts about
  // a moment are kept by what they read ("in 30 days"), except Discord's timestamps; the cache
  // is emptied when it reaches its bound.
  const cache = new Map<string, string>();
  const text = (value: Text, language: string): string => {
    const id = cacheKey(value, time);
    if (id === undefined) return render(value, language);
    const key = `${language}|${id}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const rendered = render(value, language);
    if (cache.size >= cacheLimit) cache.clear();
    cache.set(key, rendered);
    return rendered;
  };

  const button = (b: Button, language: string): LocalizedButton =>
    b.type === 'action'
      ? { type: 'action', label: text(b.label, language), action: b.action }
      : { type: 'link', label: text(b.label, language), url: b.url };

  return {
    text,
    screen: (screen, language) => ({
      title: text(screen.title, language),
      ...(screen.subtitle ? { subtitle: text(screen.subtitle, language) } : {}),
      ...(screen.progress ? { progress: screen.progress } : {}),
      ...(screen.notice ? { notice: text(screen.notice, language) } : {}),
      body: screen.body.map((t) => text(t, language)),
      buttons: screen.buttons.map((row) => row.map((b) => button(b, language))),
    }),
  };
}
