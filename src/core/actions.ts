import { guideCategories, idPattern, type GuideCategory } from './guide.js';
import { assertNever } from './never.js';

/**
 * Button action ids: compact, versioned, ASCII strings carried by every button
 * (Telegram `callback_data` allows 64 bytes, Discord `custom_id` 100 characters).
 *
 * Format: `1:<kind>:<fields…>`. The leading `1` is the codec version; a button made by an older
 * codec decodes as `{ type: 'invalid', reason: 'unsupportedVersion' }` and the user gets a kind
 * "this button is out of date". Ids carry no user id: an action always applies to the user who
 * pressed it, so a forged id can at most be a stale or meaningless request of their own.
 */

/** The moves a walkthrough step button can make. */
export const stepMoves = ['done', 'back', 'skip', 'cant'] as const;
export type StepMove = (typeof stepMoves)[number];

/** How often a completed guide is re-checked. */
export const cadences = ['default', 'long', 'never'] as const;
export type Cadence = (typeof cadences)[number];

/** Answers to a re-check reminder. */
export const reminderAnswers = ['stillOff', 'wasOn', 'snooze', 'stop'] as const;
export type ReminderAnswer = (typeof reminderAnswers)[number];

/** Everything a button can ask for. */
export type Action =
  | { readonly type: 'open'; readonly guideId: string }
  | {
      readonly type: 'step';
      readonly guideId: string;
      readonly version: number;
      readonly step: number;
      readonly move: StepMove;
    }
  | { readonly type: 'restart'; readonly guideId: string; readonly version: number }
  | { readonly type: 'cadence'; readonly guideId: string; readonly cadence: Cadence }
  | { readonly type: 'reminder'; readonly guideId: string; readonly answer: ReminderAnswer }
  | { readonly type: 'language'; readonly language: string }
  | { readonly type: 'guides' }
  | { readonly type: 'category'; readonly category: GuideCategory }
  | { readonly type: 'status' }
  /** An admin's change to the community's settings. */
  | { readonly type: 'community'; readonly change: CommunityChange }
  /** "Delete my data": shows the confirmation (it deletes nothing by itself). */
  | { readonly type: 'forgetAsk' }
  /** The confirmation of "delete everything about me", with the minute it was asked. */
  | { readonly type: 'forget'; readonly issuedAt: number };

/** A change to a community's settings. */
export type CommunityChange =
  | { readonly kind: 'language'; readonly language: string | null }
  | { readonly kind: 'stats'; readonly on: boolean }
  | { readonly kind: 'featured'; readonly guideId: string };

/** The outcome of decoding an action id: never an exception. */
export type DecodeResult =
  | { readonly type: 'ok'; readonly action: Action }
  | { readonly type: 'invalid'; readonly reason: 'malformed' | 'unsupportedVersion' };

/** The current codec version, the first field of every id. */
export const codecVersion = '1';
/** The longest id {@link encodeAction} may produce (Telegram's `callback_data` limit). */
export const maxActionBytes = 64;

const moveCodes: Record<StepMove, string> = { done: 'd', back: 'b', skip: 's', cant: 'c' };
const cadenceCodes: Record<Cadence, string> = { default: 'd', long: 'l', never: 'n' };
const answerCodes: Record<ReminderAnswer, string> = {
  stillOff: 'k',
  wasOn: 'o',
  snooze: 'z',
  stop: 'x',
};

function invert<K extends string>(codes: Record<K, string>): Map<string, K> {
  return new Map(Object.entries(codes).map(([name, code]) => [code as string, name as K]));
}
const moveByCode = invert(moveCodes);
const cadenceByCode = invert(cadenceCodes);
const answerByCode = invert(answerCodes);

/** Encodes an action as a button id. The result is ASCII and at most {@link maxActionBytes}. */
export function encodeAction(action: Action): string {
  const fields = ((): string[] => {
    switch (action.type) {
      case 'open':
        return ['o', action.guideId];
      case 'step':
        return [
          's',
          action.guideId,
          String(action.version),
          String(action.step),
          moveCodes[action.move],
        ];
      case 'restart':
        return ['r', action.guideId, String(action.version)];
      case 'cadence':
        return ['c', action.guideId, cadenceCodes[action.cadence]];
      case 'reminder':
        return ['m', action.guideId, answerCodes[action.answer]];
      case 'language':
        return ['l', action.language];
      case 'guides':
        return ['g'];
      case 'category':
        return ['k', action.category];
      case 'status':
        return ['t'];
      case 'forget':
        return ['f', String(action.issuedAt)];
      case 'forgetAsk':
        return ['a'];
      case 'community': {
        const change = action.change;
        if (change.kind === 'language') return ['y', 'l', change.language ?? '-'];
        if (change.kind === 'stats') return ['y', 's', change.on ? '1' : '0'];
        return ['y', 'f', change.guideId];
      }
      default:
        return assertNever(action);
    }
  })();
  return [codecVersion, ...fields].join(':');
}

const numberPattern = /^(?:0|[1-9][0-9]{0,5})$/;
const languagePattern = /^[a-z]{2}(?:-[A-Z]{2})?$/;

function guideIdOf(value: string | undefined): string | undefined {
  return value !== undefined && value.length <= 24 && idPattern.test(value) ? value : undefined;
}

function numberOf(value: string | undefined): number | undefined {
  return value !== undefined && numberPattern.test(value) ? Number(value) : undefined;
}

/**
 * Decodes a button id from the outside world. Anything that is not exactly what
 * {@link encodeAction} produces (wrong field count, unknown codes, oversize, non-ASCII) is
 * `malformed`; an id from another codec version is `unsupportedVersion`.
 */
export function decodeAction(raw: unknown): DecodeResult {
  const malformed = { type: 'invalid', reason: 'malformed' } as const;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > maxActionBytes) return malformed;
  if (!/^[\x21-\x7e]+$/.test(raw)) return malformed;
  const [version, kind, ...rest] = raw.split(':');
  if (version !== codecVersion) {
    return /^[0-9]{1,3}$/.test(version ?? '')
      ? { type: 'invalid', reason: 'unsupportedVersion' }
      : malformed;
  }
  const action = ((): Action | undefined => {
    switch (kind ?? '') {
      case 'o': {
        const guideId = guideIdOf(rest[0]);
        return rest.length === 1 && guideId ? { type: 'open', guideId } : undefined;
      }
      case 's': {
        const guideId = guideIdOf(rest[0]);
        const version = numberOf(rest[1]);
        const step = numberOf(rest[2]);
        const move = moveByCode.get(rest[3] ?? '');
        if (rest.length !== 4 || !guideId || version === undefined || step === undefined || !move) {
          return undefined;
        }
        return { type: 'step', guideId, version, step, move };
      }
      case 'r': {
        const guideId = guideIdOf(rest[0]);
        const version = numberOf(rest[1]);
        return rest.length === 2 && guideId && version !== undefined
          ? { type: 'restart', guideId, version }
          : undefined;
      }
      case 'c': {
        const guideId = guideIdOf(rest[0]);
        const cadence = cadenceByCode.get(rest[1] ?? '');
        return rest.length === 2 && guideId && cadence
          ? { type: 'cadence', guideId, cadence }
          : undefined;
      }
      case 'm': {
        const guideId = guideIdOf(rest[0]);
        const answer = answerByCode.get(rest[1] ?? '');
        return rest.length === 2 && guideId && answer
          ? { type: 'reminder', guideId, answer }
          : undefined;
      }
      case 'l':
        return rest.length === 1 && languagePattern.test(rest[0] ?? '')
          ? { type: 'language', language: rest[0] as string }
          : undefined;
      case 'g':
        return rest.length === 0 ? { type: 'guides' } : undefined;
      case 'k': {
        const category = guideCategories.find((c) => c === rest[0]);
        return rest.length === 1 && category ? { type: 'category', category } : undefined;
      }
      case 't':
        return rest.length === 0 ? { type: 'status' } : undefined;
      case 'a':
        return rest.length === 0 ? { type: 'forgetAsk' } : undefined;
      case 'y': {
        if (rest.length !== 2) return undefined;
        const [kind, value = ''] = rest;
        if (kind === 'l' && (value === '-' || languagePattern.test(value))) {
          return {
            type: 'community',
            change: { kind: 'language', language: value === '-' ? null : value },
          };
        }
        if (kind === 's' && (value === '0' || value === '1')) {
          return { type: 'community', change: { kind: 'stats', on: value === '1' } };
        }
        const guideId = guideIdOf(value);
        return kind === 'f' && guideId
          ? { type: 'community', change: { kind: 'featured', guideId } }
          : undefined;
      }
      case 'f': {
        const issuedAt = /^[1-9][0-9]{0,9}$/.test(rest[0] ?? '') ? Number(rest[0]) : undefined;
        return rest.length === 1 && issuedAt !== undefined
          ? { type: 'forget', issuedAt }
          : undefined;
      }
      default:
        return undefined;
    }
  })();
  return action ? { type: 'ok', action } : malformed;
}
