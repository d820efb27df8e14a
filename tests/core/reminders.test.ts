import { describe, expect, it } from 'vitest';
import { decodeAction } from '../../src/core/actions.js';
import { initialProgress, type Progress } from '../../src/core/progress.js';
import { planReminder, retryDelay, maxRetryDelayMs } from '../../src/core/reminders.js';
import { testGuide } from '../helpers/guides.js';

const guide = testGuide();
const day = 86_400_000;
const intervals = { default: 30 * day, long: 90 * day };
const completed: Progress = {
  ...initialProgress(guide, 0),
  status: 'completed',
  completedVersion: 2,
  completedAt: 0,
};
const facts = (over: Partial<Parameters<typeof planReminder>[0]> = {}) => ({
  kind: 'recheck' as const,
  guide,
  state: completed,
  cadence: 'default' as const,
  now: 1_000,
  intervals,
  ...over,
});

describe('planning a due reminder', () => {
  it('asks a completed user to re-check, and counts the next one from now (no replay)', () => {
    const plan = planReminder(facts({ now: 400 * day }));
    expect(plan.type).toBe('send');
    if (plan.type !== 'send') return;
    expect(plan.after).toEqual({ type: 'reschedule', dueAt: 430 * day, kind: 'recheck' });
    expect(plan.screen.body[0]).toEqual({ key: 'ui:reminder.question' });
    const answers = plan.screen.buttons
      .flat()
      .flatMap((b) => (b.type === 'action' ? [decodeAction(b.action)] : []));
    expect(
      answers.map((a) =>
        a.type === 'ok' && a.action.type === 'reminder' ? a.action.answer : a.type,
      ),
    ).toEqual(['stillOff', 'wasOn', 'snooze', 'stop']);
    expect(plan.screen.buttons[0]).toEqual([
      { type: 'link', label: { key: 'ui:buttons.open' }, url: 'https://example.org/settings' },
    ]);
  });

  it('tells a user whose guide changed, with a button to re-check now', () => {
    const old: Progress = { ...completed, guideVersion: 1, completedVersion: 1 };
    const plan = planReminder(facts({ state: old, kind: 'changed' }));
    expect(plan.type).toBe('send');
    if (plan.type !== 'send') return;
    expect(plan.screen.body).toEqual([{ key: 'ui:reminder.changed' }]);
    expect(plan.screen.buttons[0]?.[0]).toMatchObject({ label: { key: 'ui:buttons.recheck' } });
  });

  it('sends the last reminder and stores none after it for a user with reminders off', () => {
    const old: Progress = { ...completed, guideVersion: 1 };
    const plan = planReminder(facts({ state: old, cadence: 'never' }));
    expect(plan).toMatchObject({ type: 'send', after: { type: 'drop' } });
  });

  it.each<[string, Partial<Parameters<typeof planReminder>[0]>]>([
    ['a guide that no longer exists', { guide: undefined }],
    ['a user with no progress', { state: undefined }],
    ['a walkthrough started over', { state: { ...completed, status: 'in_progress' } }],
    ['a user who turned reminders off', { cadence: 'never' }],
  ])('drops the reminder for %s', (_name, over) => {
    expect(planReminder(facts(over))).toEqual({ type: 'skip', resolution: { type: 'drop' } });
  });
});

describe('retry delays', () => {
  it.each([
    [1, 0.5, 5_000],
    [2, 0.5, 10_000],
    [3, 0.5, 20_000],
    [1, 0, 2_500],
    [1, 0.999, 7_495],
    [40, 0.5, maxRetryDelayMs],
  ])('attempt %d with jitter %d waits %d ms', (attempts, random, ms) => {
    expect(retryDelay(attempts, random)).toBe(ms);
  });
});
