import type { Cadence, ReminderAnswer, StepMove } from './actions.js';
import { keyStepIndex, type Guide } from './guide.js';
import { assertNever } from './never.js';
import type { Progress, StepStatus } from './progress.js';
import { nextReminderAt, type Intervals } from './schedule.js';
import type { TextKey } from './text.js';
import type { Screen } from './view.js';
import { walkthroughScreen } from './walkthrough-view.js';

/** What a user can do to a walkthrough. Step events carry the step and guide version they were shown for. */
export type WalkthroughEvent =
  | { readonly type: 'start' }
  | {
      readonly type: 'move';
      readonly move: StepMove;
      readonly step: number;
      readonly version: number;
    }
  | { readonly type: 'restart'; readonly version: number }
  | { readonly type: 'chooseCadence'; readonly cadence: Cadence }
  /** An answer to a re-check reminder. */
  | { readonly type: 'reminderAnswer'; readonly answer: ReminderAnswer };

/** Side effects for the shell to run after it has saved the new state. */
export type Effect =
  | { readonly type: 'render'; readonly screen: Screen }
  | { readonly type: 'scheduleReminder'; readonly guideId: string; readonly at: number }
  | { readonly type: 'cancelReminder'; readonly guideId: string }
  | { readonly type: 'setCadence'; readonly cadence: Cadence }
  | { readonly type: 'completed'; readonly guideId: string; readonly version: number };

/** Everything the transition needs besides the state: the time and the user's settings. */
export interface WalkthroughContext {
  readonly now: number;
  readonly guide: Guide;
  /** The user's reminder cadence. */
  readonly cadence: Cadence;
  readonly intervals: Intervals;
  /** When this guide's next re-check is due, if one is scheduled (shown on the final screen). */
  readonly reminderAt: number | null;
}

/** Why an event was refused. Each reason is also an i18n key under `ui:rejected`. */
export type RejectReason = 'staleButton' | 'notCompleted';

/** The outcome of {@link transition}. A rejection changes nothing and re-shows the current screen. */
export type TransitionResult =
  | { readonly type: 'accepted'; readonly state: Progress; readonly effects: readonly Effect[] }
  | {
      readonly type: 'rejected';
      readonly reason: RejectReason;
      readonly effects: readonly Effect[];
    };

/**
 * The walkthrough state machine: a pure function of the state, an event and the context.
 * It never throws for any event: events that do not fit the state (an old button, a step that
 * is no longer on screen, another guide version) come back as `rejected` with the current screen.
 */
export function transition(
  state: Progress,
  event: WalkthroughEvent,
  ctx: WalkthroughContext,
): TransitionResult {
  switch (event.type) {
    case 'start':
      return start(state, ctx);
    case 'move':
      return move(state, event, ctx);
    case 'restart':
      // "Start over" is offered on the final screen only.
      if (event.version !== ctx.guide.version || state.status !== 'completed') {
        return reject(state, 'staleButton', ctx);
      }
      return accept(begin(state, ctx, 0), ctx);
    case 'chooseCadence':
      return chooseCadence(state, event.cadence, ctx);
    case 'reminderAnswer':
      return answerReminder(state, event.answer, ctx);
    default:
      return assertNever(event);
  }
}

function start(state: Progress, ctx: WalkthroughContext): TransitionResult {
  switch (state.status) {
    case 'not_started':
    case 'needs_recheck':
      return accept(begin(state, ctx, 0), ctx);
    case 'in_progress':
    case 'completed':
      return accept({ ...state, updatedAt: ctx.now }, ctx);
    default:
      return assertNever(state.status);
  }
}

/**
 * Puts the walkthrough at `cursor` with every step to do. With `keepOthers`, only steps from the
 * cursor on are reset (a re-check re-opens the key step but keeps what came before it).
 */
function begin(
  state: Progress,
  ctx: WalkthroughContext,
  cursor: number,
  keepOthers = false,
): Progress {
  const steps = Object.fromEntries(
    ctx.guide.steps.map((s, index): [string, StepStatus] => [
      s.id,
      keepOthers && index < cursor ? (state.steps[s.id] ?? 'todo') : 'todo',
    ]),
  );
  return {
    ...state,
    guideVersion: ctx.guide.version,
    status: 'in_progress',
    cursor,
    steps,
    startedAt: state.startedAt ?? ctx.now,
    updatedAt: ctx.now,
  };
}

function move(
  state: Progress,
  event: Extract<WalkthroughEvent, { type: 'move' }>,
  ctx: WalkthroughContext,
): TransitionResult {
  const { guide } = ctx;
  const stepId = guide.steps[state.cursor]?.id;
  if (
    state.status !== 'in_progress' ||
    event.version !== guide.version ||
    event.step !== state.cursor ||
    stepId === undefined
  ) {
    return reject(state, 'staleButton', ctx);
  }
  const current = state.steps[stepId] ?? 'todo';
  const last = state.cursor === guide.steps.length - 1;
  const withStep = (status: StepStatus): Progress => ({
    ...state,
    steps: { ...state.steps, [stepId]: status },
    updatedAt: ctx.now,
  });
  switch (event.move) {
    case 'back':
      if (state.cursor === 0) return reject(state, 'staleButton', ctx);
      return accept({ ...state, cursor: state.cursor - 1, updatedAt: ctx.now }, ctx);
    case 'cant':
      // Stay on the step: the screen now shows help for it.
      return accept(withStep('cant'), ctx);
    case 'done':
      return advance(withStep('done'), last, ctx);
    case 'skip':
      // "I can't find it" then Skip keeps the more telling outcome.
      return advance(withStep(current === 'cant' ? 'cant' : 'skipped'), last, ctx);
    default:
      return assertNever(event.move);
  }
}

function advance(state: Progress, last: boolean, ctx: WalkthroughContext): TransitionResult {
  if (!last) return accept({ ...state, cursor: state.cursor + 1 }, ctx);
  const completed: Progress = {
    ...state,
    status: 'completed',
    completedVersion: ctx.guide.version,
    completedAt: ctx.now,
  };
  const at = nextReminderAt(ctx.now, ctx.cadence, ctx.intervals);
  const reminder: readonly Effect[] =
    at === null
      ? [{ type: 'cancelReminder', guideId: ctx.guide.id }]
      : [{ type: 'scheduleReminder', guideId: ctx.guide.id, at }];
  return accept(completed, { ...ctx, reminderAt: at }, [
    { type: 'completed', guideId: ctx.guide.id, version: ctx.guide.version },
    ...reminder,
  ]);
}

function chooseCadence(
  state: Progress,
  cadence: Cadence,
  ctx: WalkthroughContext,
): TransitionResult {
  if (state.status !== 'completed') return reject(state, 'notCompleted', ctx);
  const at = nextReminderAt(ctx.now, cadence, ctx.intervals);
  const reminder: Effect =
    at === null
      ? { type: 'cancelReminder', guideId: ctx.guide.id }
      : { type: 'scheduleReminder', guideId: ctx.guide.id, at };
  return accept({ ...state, updatedAt: ctx.now }, { ...ctx, cadence, reminderAt: at }, [
    { type: 'setCadence', cadence },
    reminder,
  ]);
}

/** How long "Snooze a week" waits. */
export const snoozeMs = 7 * 86_400_000;

function answerReminder(
  state: Progress,
  answer: ReminderAnswer,
  ctx: WalkthroughContext,
): TransitionResult {
  // Reminders are only sent about a completed guide; any other answer is out of date.
  if (state.status !== 'completed' && state.status !== 'needs_recheck') {
    return reject(state, 'staleButton', ctx);
  }
  switch (answer) {
    case 'wasOn':
      // Re-open the step that matters, keeping what came before it.
      return accept(begin(state, ctx, keyStepIndex(ctx.guide), true), ctx);
    case 'stillOff': {
      if (state.status !== 'completed') return reject(state, 'staleButton', ctx);
      const at = nextReminderAt(ctx.now, ctx.cadence, ctx.intervals);
      const effect: Effect =
        at === null
          ? { type: 'cancelReminder', guideId: ctx.guide.id }
          : { type: 'scheduleReminder', guideId: ctx.guide.id, at };
      return withNotice(
        accept({ ...state, updatedAt: ctx.now }, { ...ctx, reminderAt: at }, [effect]),
        'ui:reminder.thanks',
      );
    }
    case 'snooze': {
      const at = ctx.now + snoozeMs;
      return accept({ ...state, updatedAt: ctx.now }, { ...ctx, reminderAt: at }, [
        { type: 'scheduleReminder', guideId: ctx.guide.id, at },
      ]);
    }
    case 'stop':
      return accept(
        { ...state, updatedAt: ctx.now },
        { ...ctx, cadence: 'never', reminderAt: null },
        [
          { type: 'setCadence', cadence: 'never' },
          { type: 'cancelReminder', guideId: ctx.guide.id },
        ],
      );
    default:
      return assertNever(answer);
  }
}

function accept(
  state: Progress,
  ctx: WalkthroughContext,
  effects: readonly Effect[] = [],
): TransitionResult {
  return {
    type: 'accepted',
    state,
    effects: [...effects, { type: 'render', screen: walkthroughScreen(state, ctx) }],
  };
}

/** Adds a notice ("Thanks! You're still protected.") to the screen a result renders. */
function withNotice(result: TransitionResult, key: TextKey): TransitionResult {
  return {
    ...result,
    effects: result.effects.map((e) =>
      e.type === 'render' ? { ...e, screen: { ...e.screen, notice: { key } } } : e,
    ),
  };
}

function reject(state: Progress, reason: RejectReason, ctx: WalkthroughContext): TransitionResult {
  return {
    type: 'rejected',
    reason,
    effects: [
      {
        type: 'render',
        screen: { ...walkthroughScreen(state, ctx), notice: { key: `ui:rejected.${reason}` } },
      },
    ],
  };
}
