import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAction, type Action } from '../../src/core/actions.js';
import {
  initialProgress,
  restoreProgress,
  stepStatuses,
  type Progress,
} from '../../src/core/progress.js';
import type { Screen } from '../../src/core/view.js';
import {
  snoozeMs,
  transition,
  type TransitionResult,
  type WalkthroughContext,
  type WalkthroughEvent,
} from '../../src/core/walkthrough.js';
import { testGuide } from '../helpers/guides.js';

const guide = testGuide();
const day = 86_400_000;
const ctx = (now = 1_000_000, extra: Partial<WalkthroughContext> = {}): WalkthroughContext => ({
  now,
  guide,
  cadence: 'default',
  intervals: { default: 30 * day, long: 90 * day },
  reminderAt: null,
  ...extra,
});
const move = (
  m: 'done' | 'back' | 'skip' | 'cant',
  step: number,
  version = guide.version,
): WalkthroughEvent => ({
  type: 'move',
  move: m,
  step,
  version,
});

/** Applies events in order, keeping the last accepted state. */
function run(
  events: WalkthroughEvent[],
  state = initialProgress(guide, 0),
): { state: Progress; last: TransitionResult } {
  let last: TransitionResult | undefined;
  for (const [index, event] of events.entries()) {
    last = transition(state, event, ctx(1_000_000 + index));
    if (last.type === 'accepted') state = last.state;
  }
  if (!last) throw new Error('no events');
  return { state, last };
}

const screenOf = (result: TransitionResult): Screen => {
  const render = result.effects.find((e) => e.type === 'render');
  if (!render || render.type !== 'render') throw new Error('no render effect');
  return render.screen;
};

const actionsOf = (screen: Screen): Action[] =>
  screen.buttons.flat().flatMap((b) => {
    if (b.type !== 'action') return [];
    const decoded = decodeAction(b.action);
    return decoded.type === 'ok' ? [decoded.action] : [];
  });

describe('walkthrough transitions', () => {
  it.each<[string, WalkthroughEvent[], Partial<Progress>]>([
    ['start begins at step 1', [{ type: 'start' }], { status: 'in_progress', cursor: 0 }],
    [
      'done advances',
      [{ type: 'start' }, move('done', 0)],
      { cursor: 1, steps: { open: 'done', untick: 'todo', extra: 'todo' } },
    ],
    [
      'skip marks skipped',
      [{ type: 'start' }, move('skip', 0)],
      { cursor: 1, steps: { open: 'skipped', untick: 'todo', extra: 'todo' } },
    ],
    [
      'cant stays on the step',
      [{ type: 'start' }, move('cant', 0)],
      { cursor: 0, steps: { open: 'cant', untick: 'todo', extra: 'todo' } },
    ],
    [
      'done after cant marks done',
      [{ type: 'start' }, move('cant', 0), move('done', 0)],
      { cursor: 1, steps: { open: 'done', untick: 'todo', extra: 'todo' } },
    ],
    [
      'skip after cant keeps cant',
      [{ type: 'start' }, move('cant', 0), move('skip', 0)],
      { cursor: 1, steps: { open: 'cant', untick: 'todo', extra: 'todo' } },
    ],
    [
      'back goes back, keeping outcomes',
      [{ type: 'start' }, move('done', 0), move('back', 1)],
      { cursor: 0, steps: { open: 'done', untick: 'todo', extra: 'todo' } },
    ],
    [
      'the last step completes',
      [{ type: 'start' }, move('done', 0), move('done', 1), move('skip', 2)],
      { status: 'completed', completedVersion: 2 },
    ],
    [
      'restart after completion starts over',
      [
        { type: 'start' },
        move('done', 0),
        move('done', 1),
        move('done', 2),
        { type: 'restart', version: 2 },
      ],
      { status: 'in_progress', cursor: 0, steps: { open: 'todo', untick: 'todo', extra: 'todo' } },
    ],
    [
      'start while in progress resumes',
      [{ type: 'start' }, move('done', 0), { type: 'start' }],
      { status: 'in_progress', cursor: 1 },
    ],
  ])('%s', (_name, events, expected) => {
    const { state, last } = run(events);
    expect(last.type).toBe('accepted');
    expect(state).toMatchObject(expected);
  });

  it.each<[string, WalkthroughEvent[], WalkthroughEvent]>([
    ['a button for another step', [{ type: 'start' }, move('done', 0)], move('done', 0)],
    ['a button from another guide version', [{ type: 'start' }], move('done', 0, 1)],
    ['a step button before starting', [], move('done', 0)],
    [
      'a step button after completion',
      [{ type: 'start' }, move('done', 0), move('done', 1), move('done', 2)],
      move('done', 2),
    ],
    ['back on the first step', [{ type: 'start' }], move('back', 0)],
    ['a step beyond the guide', [{ type: 'start' }], move('done', 7)],
    ['restart from an old version', [{ type: 'start' }], { type: 'restart', version: 1 }],
  ])('rejects %s as stale and changes nothing', (_name, before, event) => {
    const { state } = before.length > 0 ? run(before) : { state: initialProgress(guide, 0) };
    const result = transition(state, event, ctx(5_000_000));
    expect(result.type).toBe('rejected');
    if (result.type === 'rejected') expect(result.reason).toBe('staleButton');
    expect(screenOf(result).notice).toEqual({ key: 'ui:rejected.staleButton' });
    expect(result.effects.filter((e) => e.type !== 'render')).toEqual([]);
  });

  it('schedules a re-check after the cadence on completion', () => {
    const { last } = run([{ type: 'start' }, move('done', 0), move('done', 1), move('done', 2)]);
    const at = 1_000_000 + 3 + 30 * day;
    expect(last.effects).toContainEqual({ type: 'scheduleReminder', guideId: 'demo', at });
    expect(last.effects).toContainEqual({ type: 'completed', guideId: 'demo', version: 2 });
  });

  it('schedules nothing on completion when the user chose no reminders', () => {
    let state = run([{ type: 'start' }, move('done', 0), move('done', 1)]).state;
    const result = transition(state, move('done', 2), ctx(10, { cadence: 'never' }));
    expect(result.effects).toContainEqual({ type: 'cancelReminder', guideId: 'demo' });
    expect(result.effects.some((e) => e.type === 'scheduleReminder')).toBe(false);
    if (result.type === 'accepted') state = result.state;
    expect(state.status).toBe('completed');
  });

  it.each([
    ['long', 90 * day],
    ['default', 30 * day],
  ] as const)('choosing the %s cadence reschedules from now', (cadence, interval) => {
    const { state } = run([{ type: 'start' }, move('done', 0), move('done', 1), move('done', 2)]);
    const result = transition(state, { type: 'chooseCadence', cadence }, ctx(7_000));
    expect(result.effects).toContainEqual({ type: 'setCadence', cadence });
    expect(result.effects).toContainEqual({
      type: 'scheduleReminder',
      guideId: 'demo',
      at: 7_000 + interval,
    });
  });

  it('refuses a cadence before completion', () => {
    const { state } = run([{ type: 'start' }]);
    const result = transition(state, { type: 'chooseCadence', cadence: 'long' }, ctx());
    expect(result).toMatchObject({ type: 'rejected', reason: 'notCompleted' });
  });

  describe('reminder answers', () => {
    const completed = run([
      { type: 'start' },
      move('done', 0),
      move('done', 1),
      move('done', 2),
    ]).state;

    it('"it was on again" re-opens the key step and keeps earlier steps', () => {
      const result = transition(completed, { type: 'reminderAnswer', answer: 'wasOn' }, ctx());
      expect(result.type).toBe('accepted');
      if (result.type !== 'accepted') return;
      expect(result.state).toMatchObject({
        status: 'in_progress',
        cursor: 1,
        steps: { open: 'done', untick: 'todo', extra: 'todo' },
      });
    });

    it('"snooze" asks again in a week', () => {
      const result = transition(completed, { type: 'reminderAnswer', answer: 'snooze' }, ctx(50));
      expect(result.effects).toContainEqual({
        type: 'scheduleReminder',
        guideId: 'demo',
        at: 50 + snoozeMs,
      });
    });

    it('"stop" turns reminders off', () => {
      const result = transition(completed, { type: 'reminderAnswer', answer: 'stop' }, ctx());
      expect(result.effects).toEqual(
        expect.arrayContaining([
          { type: 'setCadence', cadence: 'never' },
          { type: 'cancelReminder', guideId: 'demo' },
        ]),
      );
    });

    it('"still off" schedules the next re-check', () => {
      const result = transition(
        completed,
        { type: 'reminderAnswer', answer: 'stillOff' },
        ctx(100),
      );
      expect(result.effects).toContainEqual({
        type: 'scheduleReminder',
        guideId: 'demo',
        at: 100 + 30 * day,
      });
    });
  });

  it('shows the step, its progress line and its buttons', () => {
    const { last } = run([{ type: 'start' }, move('skip', 0)]);
    const screen = screenOf(last);
    expect(screen.subtitle).toEqual({
      key: 'ui:walkthrough.step',
      params: { current: 2, total: 3 },
    });
    expect(screen.progress).toBe('⏭️ ⬜ ⬜');
    expect(screen.body[0]).toEqual({
      key: 'guides:demo.steps.untick.body',
      params: { box: { key: 'labels:demo.untick.box' } },
    });
    const labels = screen.buttons.flat().map((b) => b.label.key);
    expect(labels).toEqual([
      'ui:buttons.done',
      'ui:buttons.back',
      'ui:buttons.skip',
      'ui:buttons.cant',
    ]);
  });

  it('offers the link to the setting and help after "I can\'t find it"', () => {
    const { last } = run([{ type: 'start' }, move('cant', 0)]);
    const screen = screenOf(last);
    expect(screen.buttons[0]).toEqual([
      { type: 'link', label: { key: 'ui:buttons.open' }, url: 'https://example.org/settings' },
    ]);
    expect(screen.body.map((t) => t.key)).toContain('guides:demo.steps.open.help');
    expect(screen.buttons.flat().map((b) => b.label.key)).not.toContain('ui:buttons.cant');
  });
});

describe('walkthrough invariants (property)', () => {
  const anyEvent: fc.Arbitrary<WalkthroughEvent> = fc.oneof(
    fc.constant<WalkthroughEvent>({ type: 'start' }),
    fc.record({
      type: fc.constant('move' as const),
      move: fc.constantFrom<'done' | 'back' | 'skip' | 'cant'>('done', 'back', 'skip', 'cant'),
      step: fc.integer({ min: -2, max: 6 }),
      version: fc.integer({ min: 0, max: 4 }),
    }),
    fc.record({ type: fc.constant('restart' as const), version: fc.integer({ min: 0, max: 4 }) }),
    fc.record({
      type: fc.constant('chooseCadence' as const),
      cadence: fc.constantFrom<'default' | 'long' | 'never'>('default', 'long', 'never'),
    }),
    fc.record({
      type: fc.constant('reminderAnswer' as const),
      answer: fc.constantFrom<'stillOff' | 'wasOn' | 'snooze' | 'stop'>(
        'stillOff',
        'wasOn',
        'snooze',
        'stop',
      ),
    }),
  );

  /** Forged ids: arbitrary strings and real-looking ids with random fields, decoded like a button. */
  const forgedEvent: fc.Arbitrary<WalkthroughEvent | undefined> = fc
    .oneof(
      fc.string({ maxLength: 80 }),
      fc
        .tuple(
          fc.constantFrom('o', 's', 'r', 'c', 'm', 'x'),
          fc.array(fc.string({ maxLength: 8 }), { maxLength: 5 }),
        )
        .map(([kind, fields]) => ['1', kind, 'demo', ...fields].join(':')),
    )
    .map((raw) => {
      const decoded = decodeAction(raw);
      if (decoded.type !== 'ok') return undefined;
      const a = decoded.action;
      if (a.type === 'step')
        return { type: 'move', move: a.move, step: a.step, version: a.version };
      if (a.type === 'restart') return { type: 'restart', version: a.version };
      if (a.type === 'cadence') return { type: 'chooseCadence', cadence: a.cadence };
      return undefined;
    });

  function assertValid(state: Progress): void {
    expect(restoreProgress(JSON.parse(JSON.stringify(state)), guide, 0).outcome).toBe('intact');
    expect(state.cursor).toBeGreaterThanOrEqual(0);
    expect(state.cursor).toBeLessThan(guide.steps.length);
    expect(Object.keys(state.steps).sort()).toEqual(guide.steps.map((s) => s.id).sort());
    for (const status of Object.values(state.steps)) expect(stepStatuses).toContain(status);
    if (state.status === 'completed') expect(state.completedVersion).toBe(guide.version);
    if (state.status === 'not_started')
      expect(Object.values(state.steps).every((s) => s === 'todo')).toBe(true);
  }

  it('no sequence of events, forged ones included, yields an invalid state or throws', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyEvent, forgedEvent), { maxLength: 40 }), (events) => {
        let state = initialProgress(guide, 0);
        events.forEach((event, index) => {
          if (event === undefined) return;
          const before = JSON.stringify(state);
          const result = transition(state, event, ctx(index));
          expect(result.effects.filter((e) => e.type === 'render')).toHaveLength(1);
          if (result.type === 'accepted') state = result.state;
          else expect(JSON.stringify(state)).toBe(before);
          assertValid(state);
        });
      }),
      { numRuns: 1500 },
    );
  });

  it('every button on every reachable screen decodes and fits Telegram', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 25 }), (events) => {
        let state = initialProgress(guide, 0);
        for (const [index, event] of events.entries()) {
          const result = transition(state, event, ctx(index));
          if (result.type === 'accepted') state = result.state;
          for (const button of screenOf(result).buttons.flat()) {
            if (button.type === 'action') {
              expect(Buffer.byteLength(button.action)).toBeLessThanOrEqual(64);
              expect(decodeAction(button.action).type).toBe('ok');
            }
          }
          expect(actionsOf(screenOf(result)).length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('pressing the buttons of each screen walks the guide to completion', () => {
    let result = transition(initialProgress(guide, 0), { type: 'start' }, ctx());
    let state = result.type === 'accepted' ? result.state : initialProgress(guide, 0);
    for (let i = 0; i < guide.steps.length; i += 1) {
      const done = actionsOf(screenOf(result)).find((a) => a.type === 'step' && a.move === 'done');
      expect(done).toBeDefined();
      if (done?.type !== 'step') return;
      result = transition(state, move('done', done.step, done.version), ctx());
      if (result.type === 'accepted') state = result.state;
    }
    expect(state.status).toBe('completed');
    expect(actionsOf(screenOf(result))).toContainEqual({
      type: 'restart',
      guideId: 'demo',
      version: 2,
    });
  });
});
