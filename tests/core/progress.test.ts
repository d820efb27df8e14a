import { describe, expect, it } from 'vitest';
import { initialProgress, restoreProgress, type Progress } from '../../src/core/progress.js';
import { testGuide } from '../helpers/guides.js';

const guide = testGuide();
const stored = (overrides: Partial<Progress> = {}): Progress => ({
  ...initialProgress(guide, 10),
  status: 'in_progress',
  cursor: 1,
  steps: { open: 'done', untick: 'todo', extra: 'todo' },
  startedAt: 10,
  ...overrides,
});

describe('restoring stored progress', () => {
  it('keeps valid progress for the same guide version intact', () => {
    expect(restoreProgress(stored(), guide, 99)).toEqual({ progress: stored(), outcome: 'intact' });
  });

  it.each([
    ['nothing', undefined],
    ['garbage', 'not json at all'],
    ['a wrong shape', { cursor: 'two' }],
    ['an unknown format', { ...stored(), format: 9 }],
    ['another guide', { ...stored(), guideId: 'other' }],
    ['an unknown status', { ...stored(), status: 'exploded' }],
    ['an unknown step outcome', { ...stored(), steps: { open: 'maybe' } }],
  ])('resets %s to a fresh start', (_name, raw) => {
    const { progress, outcome } = restoreProgress(raw, guide, 99);
    expect(outcome).toBe('reset');
    expect(progress).toEqual(initialProgress(guide, 99));
  });

  it('clamps a cursor beyond the last step', () => {
    expect(restoreProgress(stored({ cursor: 40 }), guide, 0).progress.cursor).toBe(2);
  });

  it('asks for a re-check when a completed guide has a new version, keeping outcomes by step id', () => {
    const old = stored({
      guideVersion: 1,
      status: 'completed',
      completedVersion: 1,
      steps: { open: 'done', untick: 'done', gone: 'done' },
    });
    const { progress, outcome } = restoreProgress(old, guide, 0);
    expect(outcome).toBe('guideChanged');
    expect(progress).toMatchObject({
      status: 'needs_recheck',
      guideVersion: 2,
      completedVersion: 1,
      steps: { open: 'done', untick: 'done', extra: 'todo' },
    });
    expect(progress.steps).not.toHaveProperty('gone');
  });

  it('moves an in-progress walkthrough of an older version to the first step left to do', () => {
    const old = stored({ guideVersion: 1, cursor: 2, steps: { open: 'done', untick: 'skipped' } });
    expect(restoreProgress(old, guide, 0).progress).toMatchObject({
      status: 'in_progress',
      cursor: 1,
    });
  });
});
