import { encodeAction } from './actions.js';
import type { Guide, GuideStep } from './guide.js';
import { assertNever } from './never.js';
import { stepStatusList, type Progress } from './progress.js';
import { durationParts } from './schedule.js';
import { text, type Text, type TextKey, type TextParam } from './text.js';
import { progressLine, type Button, type Screen } from './view.js';
import type { WalkthroughContext } from './walkthrough.js';

/** The screen for a user's progress through a guide, whatever its status. */
export function walkthroughScreen(state: Progress, ctx: WalkthroughContext): Screen {
  switch (state.status) {
    case 'not_started':
      return introScreen(ctx.guide);
    case 'in_progress':
      return stepScreen(state, ctx.guide);
    case 'completed':
      return completedScreen(state, ctx);
    case 'needs_recheck':
      return recheckScreen(state, ctx.guide);
    default:
      return assertNever(state.status);
  }
}

/** The i18n key of a guide's own text (title, step bodies, limits…). */
export function guideKey(guide: Guide | string, path: string): `guides:${string}` {
  return `guides:${typeof guide === 'string' ? guide : guide.id}.${path}`;
}

/** A guide's title as a {@link Text}. */
export function guideTitle(guide: Guide | string): Text {
  return text(guideKey(guide, 'title'));
}

/** "About 3 min · Easy · Everywhere": a guide's effort and reach in one line. */
export function guideMeta(guide: Guide): Text {
  return text('ui:guide.meta', {
    minutes: guide.minutes,
    difficulty: text(`ui:difficulty.${guide.difficulty}`),
    regions: text(`ui:regions.${guide.regions}`),
  });
}

function introScreen(guide: Guide): Screen {
  return {
    title: guideTitle(guide),
    body: [text(guideKey(guide, 'intro')), guideMeta(guide)],
    buttons: [
      [
        {
          type: 'action',
          label: text('ui:buttons.start'),
          action: encodeAction({ type: 'open', guideId: guide.id }),
        },
      ],
    ],
  };
}

/** The platform labels of a step as parameters, e.g. `{ checkbox: labels:x-grok.untick.checkbox }`. */
function labelParams(guide: Guide, step: GuideStep): Record<string, TextParam> {
  return Object.fromEntries(
    Object.keys(step.labels).map((name) => [
      name,
      text(`labels:${guide.id}.${step.id}.${name}` as TextKey),
    ]),
  );
}

function stepScreen(state: Progress, guide: Guide): Screen {
  const index = state.cursor;
  const step = guide.steps[index] ?? guide.steps[0];
  if (step === undefined) throw new Error(`guide ${guide.id} has no steps`); // the schema forbids it
  const status = state.steps[step.id] ?? 'todo';
  const params = labelParams(guide, step);
  const body: Text[] = [];
  if (step.optional) body.push(text('ui:walkthrough.optional'));
  body.push(text(guideKey(guide, `steps.${step.id}.body`), params));
  if (status === 'cant') {
    body.push(
      text('ui:walkthrough.cantIntro'),
      text(guideKey(guide, `steps.${step.id}.help`), params),
    );
  }
  const act = (move: 'done' | 'back' | 'skip' | 'cant'): string =>
    encodeAction({ type: 'step', guideId: guide.id, version: guide.version, step: index, move });
  const buttons: Button[][] = [];
  if (step.url !== undefined)
    buttons.push([{ type: 'link', label: text('ui:buttons.open'), url: step.url }]);
  buttons.push([{ type: 'action', label: text('ui:buttons.done'), action: act('done') }]);
  const secondary: Button[] = [];
  if (index > 0)
    secondary.push({ type: 'action', label: text('ui:buttons.back'), action: act('back') });
  secondary.push({ type: 'action', label: text('ui:buttons.skip'), action: act('skip') });
  if (status !== 'cant')
    secondary.push({ type: 'action', label: text('ui:buttons.cant'), action: act('cant') });
  buttons.push(secondary);
  return {
    title: guideTitle(guide),
    subtitle: text('ui:walkthrough.step', { current: index + 1, total: guide.steps.length }),
    progress: progressLine(stepStatusList(guide, state)),
    body,
    buttons,
  };
}

const bullet = (key: TextKey): Text => text('ui:list.item', { item: text(key) });

function completedScreen(state: Progress, ctx: WalkthroughContext): Screen {
  const { guide } = ctx;
  const statuses = stepStatusList(guide, state);
  const missing = guide.steps
    .map((s, index) => ({ s, index }))
    .filter(({ s, index }) => !s.optional && statuses[index] !== 'done')
    .map(({ index }) => index + 1);
  const body: Text[] = [text(guideKey(guide, 'done'))];
  if (missing.length > 0) {
    body.push(text('ui:completed.missing', { steps: missing.join(', '), count: missing.length }));
  }
  if (guide.limits.length > 0) {
    body.push(text('ui:completed.limitsTitle'));
    for (const limit of guide.limits) body.push(bullet(guideKey(guide, `limits.${limit}`)));
  }
  if (guide.tips.length > 0) {
    body.push(text('ui:completed.tipsTitle'));
    for (const tip of guide.tips) body.push(bullet(guideKey(guide, `tips.${tip}`)));
  }
  body.push(
    ctx.reminderAt === null
      ? text('ui:completed.noReminder')
      : text('ui:completed.reminder', { when: { at: ctx.reminderAt, from: ctx.now } }),
  );
  const cadence = (c: 'default' | 'long' | 'never', label: Text): Button => ({
    type: 'action',
    label: ctx.cadence === c ? text('ui:buttons.selected', { label }) : label,
    action: encodeAction({ type: 'cadence', guideId: guide.id, cadence: c }),
  });
  const every = (ms: number): Text => {
    const { unit, count } = durationParts(ms);
    return text('ui:buttons.every', { interval: text(`ui:duration.${unit}`, { count }) });
  };
  return {
    title: guideTitle(guide),
    subtitle: text('ui:completed.subtitle'),
    progress: progressLine(statuses),
    body,
    buttons: [
      [
        cadence('default', every(ctx.intervals.default)),
        cadence('long', every(ctx.intervals.long)),
        cadence('never', text('ui:buttons.never')),
      ],
      [
        {
          type: 'action',
          label: text('ui:buttons.restart'),
          action: encodeAction({ type: 'restart', guideId: guide.id, version: guide.version }),
        },
      ],
    ],
  };
}

function recheckScreen(state: Progress, guide: Guide): Screen {
  return {
    title: guideTitle(guide),
    subtitle: text('ui:recheck.subtitle'),
    progress: progressLine(stepStatusList(guide, state)),
    body: [text('ui:recheck.body'), guideMeta(guide)],
    buttons: [
      [
        {
          type: 'action',
          label: text('ui:buttons.recheck'),
          action: encodeAction({ type: 'open', guideId: guide.id }),
        },
      ],
    ],
  };
}
