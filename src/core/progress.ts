import { z } from 'zod';
import type { Guide } from './guide.js';

/** A step's outcome for one user. */
export const stepStatuses = ['todo', 'done', 'skipped', 'cant'] as const;
export type StepStatus = (typeof stepStatuses)[number];

/** A guide's state for one user. */
export const guideStatuses = ['not_started', 'in_progress', 'completed', 'needs_recheck'] as const;
export type GuideStatus = (typeof guideStatuses)[number];

/** The version of the persisted shape below; raise it (and migrate in {@link restoreProgress}) on change. */
export const progressFormat = 1;

const persistedProgress = z.object({
  format: z.literal(progressFormat),
  guideId: z.string(),
  guideVersion: z.number().int().min(1),
  status: z.enum(guideStatuses),
  cursor: z.number().int().min(0),
  steps: z.record(z.string(), z.enum(stepStatuses)),
  completedVersion: z.number().int().min(1).nullable(),
  completedAt: z.number().int().nullable(),
  startedAt: z.number().int().nullable(),
  updatedAt: z.number().int(),
});

/**
 * One user's progress through one guide: plain, versioned data that the store keeps as is.
 * `steps` is keyed by step id, so a guide whose steps change keeps what still applies.
 * `cursor` is the index of the step on screen while `in_progress`.
 */
export type Progress = z.output<typeof persistedProgress>;

/** Progress for a user who has not opened the guide yet. */
export function initialProgress(guide: Guide, now: number): Progress {
  return {
    format: progressFormat,
    guideId: guide.id,
    guideVersion: guide.version,
    status: 'not_started',
    cursor: 0,
    steps: Object.fromEntries(guide.steps.map((s) => [s.id, 'todo'])),
    completedVersion: null,
    completedAt: null,
    startedAt: null,
    updatedAt: now,
  };
}

/** The statuses of the guide's steps, in order (a step the progress does not know is `todo`). */
export function stepStatusList(guide: Guide, progress: Progress): StepStatus[] {
  return guide.steps.map((s) => progress.steps[s.id] ?? 'todo');
}

/** How {@link restoreProgress} had to treat stored data. */
export type RestoreOutcome = 'intact' | 'guideChanged' | 'reset';

/**
 * Turns stored data (untrusted: it may be old, hand-edited or corrupt) into valid progress for
 * the guide as it is now. Never throws.
 * - Unreadable data or another guide's data: `reset` to a fresh start.
 * - Progress for an older guide version: `guideChanged`. Step outcomes are kept by step id; a
 *   completed guide becomes `needs_recheck`; the cursor moves to the first step left to do.
 * - Otherwise `intact`, with the cursor clamped to the guide's steps.
 */
export function restoreProgress(
  raw: unknown,
  guide: Guide,
  now: number,
): { progress: Progress; outcome: RestoreOutcome } {
  const parsed = persistedProgress.safeParse(raw);
  if (!parsed.success || parsed.data.guideId !== guide.id) {
    return { progress: initialProgress(guide, now), outcome: 'reset' };
  }
  const stored = parsed.data;
  const steps = Object.fromEntries(guide.steps.map((s) => [s.id, stored.steps[s.id] ?? 'todo']));
  if (stored.guideVersion === guide.version) {
    const cursor = Math.min(stored.cursor, guide.steps.length - 1);
    return { progress: { ...stored, steps, cursor }, outcome: 'intact' };
  }
  const firstOpen = guide.steps.findIndex((s) => steps[s.id] !== 'done');
  const status: GuideStatus =
    stored.status === 'completed' || stored.status === 'needs_recheck'
      ? 'needs_recheck'
      : stored.status;
  return {
    progress: {
      ...stored,
      guideVersion: guide.version,
      status,
      steps,
      cursor: firstOpen === -1 ? 0 : firstOpen,
    },
    outcome: 'guideChanged',
  };
}
