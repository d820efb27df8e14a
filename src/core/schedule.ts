import type { Cadence } from './actions.js';

/** Reminder intervals in milliseconds for the cadences that remind. */
export interface Intervals {
  /** The deployment's `REMINDER_INTERVAL` (30 days unless configured). */
  readonly default: number;
  /** The longer choice offered to users (90 days). */
  readonly long: number;
}

export const dayMs = 86_400_000;
/** The longer cadence offered on the final screen. */
export const longIntervalMs = 90 * dayMs;

/** When the next re-check is due after `from`, or null when the user chose no reminders. */
export function nextReminderAt(
  from: number,
  cadence: Cadence,
  intervals: Intervals,
): number | null {
  switch (cadence) {
    case 'default':
      return from + intervals.default;
    case 'long':
      return from + intervals.long;
    case 'never':
      return null;
  }
}

const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: dayMs } as const;

/**
 * Parses a duration such as `45s`, `10m`, `12h` or `30d` into milliseconds.
 * Returns undefined for anything else (no unit, zero, negative, fractions, over ten years).
 */
export function parseDuration(value: string): number | undefined {
  const match = /^([1-9][0-9]{0,5})([smhd])$/.exec(value.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * unitMs[match[2] as keyof typeof unitMs];
  return ms <= 3650 * dayMs ? ms : undefined;
}

/** A duration split into its largest whole unit, for wording such as "every 30 days". */
export function durationParts(ms: number): {
  unit: 'seconds' | 'minutes' | 'hours' | 'days';
  count: number;
} {
  if (ms % dayMs === 0) return { unit: 'days', count: ms / dayMs };
  if (ms % unitMs.h === 0) return { unit: 'hours', count: ms / unitMs.h };
  if (ms % unitMs.m === 0) return { unit: 'minutes', count: ms / unitMs.m };
  return { unit: 'seconds', count: Math.max(1, Math.round(ms / unitMs.s)) };
}
