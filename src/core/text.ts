import type enUi from '../locales/en/ui.json';

type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type WithoutPlural<K extends string> = K extends `${infer Base}_${PluralSuffix}` ? Base : K;
/** Every dotted path to a string in a resource object, without i18next's plural suffixes. */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string
    ? `${Prefix}${WithoutPlural<K>}`
    : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/**
 * An i18n key. Interface keys are checked against the English resources, so a typo fails the
 * type-check; guide texts and platform labels are keyed by guide and step ids from data files,
 * and are checked when the catalog loads (every guide must have every text in every language).
 */
export type TextKey = `ui:${Leaves<typeof enUi>}` | `guides:${string}` | `labels:${string}`;

/**
 * A piece of user-facing text, not yet in any language: an i18n key and its parameters.
 * The core only ever produces these; the shell turns them into words with i18next.
 * A parameter may itself be a {@link Text}, which is translated first (for example a
 * platform label that lives in the guide file).
 */
export interface Text {
  readonly key: TextKey;
  readonly params?: Readonly<Record<string, TextParam>>;
}

/** A moment shown relative to another ("in 30 days"); each platform words it its own way. */
export interface RelativeTime {
  readonly at: number;
  readonly from: number;
}

/** A value interpolated into a {@link Text}. */
export type TextParam = string | number | Text | RelativeTime;

/** Builds a {@link Text}. */
export function text(key: TextKey, params?: Record<string, TextParam>): Text {
  return params === undefined ? { key } : { key, params };
}

/** True when a parameter is a nested {@link Text} rather than a plain value. */
export function isText(value: TextParam): value is Text {
  return typeof value === 'object' && 'key' in value;
}
