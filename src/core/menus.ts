import { encodeAction } from './actions.js';
import type { Catalog } from './catalog.js';
import { guideCategories, type Guide, type GuideCategory } from './guide.js';
import type { GuideStatus, Progress } from './progress.js';
import { text, type Text, type TextKey } from './text.js';
import type { Button, Screen } from './view.js';
import { guideMeta, guideTitle } from './walkthrough-view.js';

/** The mark shown beside a guide in lists (DESIGN.md: ✅ completed, 🔁 re-check, ▶️ in progress). */
export const statusMarks: Record<GuideStatus, string> = {
  not_started: '▫️',
  in_progress: '▶️',
  completed: '✅',
  needs_recheck: '🔁',
};

/** Up to this many guides, the list shows them all at once; beyond, by category first. */
export const flatListMax = 6;

const guideButton = (guide: Guide, statuses: ReadonlyMap<string, GuideStatus>): Button => ({
  type: 'action',
  label: text('ui:guides.item', {
    mark: statusMarks[statuses.get(guide.id) ?? 'not_started'],
    title: guideTitle(guide),
  }),
  action: encodeAction({ type: 'open', guideId: guide.id }),
});

/**
 * The guide list, each guide marked with the user's status in it. A small catalog is listed
 * whole; a larger one is browsed by category (see {@link categoryScreen}).
 */
export function guideListScreen(
  catalog: Catalog,
  statuses: ReadonlyMap<string, GuideStatus>,
  options: { readonly notice?: Text; readonly welcome?: boolean } = {},
): Screen {
  const head = {
    title: text(options.welcome ? 'ui:welcome.title' : 'ui:guides.title'),
    ...(options.notice ? { notice: options.notice } : {}),
    body: options.welcome
      ? [text('ui:welcome.body'), text('ui:guides.intro')]
      : [text('ui:guides.intro')],
  };
  if (catalog.guides.length <= flatListMax) {
    return { ...head, buttons: catalog.guides.map((guide) => [guideButton(guide, statuses)]) };
  }
  const buttons = guideCategories.flatMap((category): Button[][] => {
    const guides = catalog.guides.filter((g) => g.category === category);
    if (guides.length === 0) return [];
    const done = guides.filter((g) => statuses.get(g.id) === 'completed').length;
    return [
      [
        {
          type: 'action',
          label: text('ui:guides.category', {
            name: text(`ui:categories.${category}`),
            count: guides.length,
            done,
          }),
          action: encodeAction({ type: 'category', category }),
        },
      ],
    ];
  });
  return { ...head, body: [...head.body, text('ui:guides.pickCategory')], buttons };
}

/** The guides of one category: each with its effort and reach, and a button to open it. */
export function categoryScreen(
  catalog: Catalog,
  category: GuideCategory,
  statuses: ReadonlyMap<string, GuideStatus>,
): Screen {
  const guides = catalog.guides.filter((g) => g.category === category);
  return {
    title: text(`ui:categories.${category}`),
    body: guides.map((guide) =>
      text('ui:guides.line', { title: guideTitle(guide), meta: guideMeta(guide) }),
    ),
    buttons: [
      ...guides.map((guide) => [guideButton(guide, statuses)]),
      [
        {
          type: 'action',
          label: text('ui:buttons.guides'),
          action: encodeAction({ type: 'guides' }),
        },
      ],
    ],
  };
}

/** One line of the status checklist for a guide. */
function statusLine(guide: Guide, progress: Progress): Text {
  const state =
    progress.status === 'in_progress'
      ? text('ui:status.in_progress', { current: progress.cursor + 1, total: guide.steps.length })
      : text(`ui:status.${progress.status}`);
  return text('ui:status.line', {
    mark: statusMarks[progress.status],
    title: guideTitle(guide),
    state,
  });
}

/** The user's checklist across every guide they have opened. */
export function statusScreen(catalog: Catalog, progresses: readonly Progress[]): Screen {
  const opened = progresses
    .filter((p) => p.status !== 'not_started')
    .flatMap((p) => {
      const guide = catalog.get(p.guideId);
      return guide ? [{ guide, progress: p }] : [];
    });
  const body =
    opened.length === 0
      ? [text('ui:status.empty')]
      : opened.map(({ guide, progress }) => statusLine(guide, progress));
  const resume: Button[][] = opened
    .filter(({ progress }) => progress.status !== 'completed')
    .map(({ guide }) => [
      {
        type: 'action',
        label: guideTitle(guide),
        action: encodeAction({ type: 'open', guideId: guide.id }),
      },
    ]);
  return {
    title: text('ui:status.title'),
    body,
    buttons: [
      ...resume,
      [
        {
          type: 'action',
          label: text('ui:buttons.guides'),
          action: encodeAction({ type: 'guides' }),
        },
      ],
    ],
  };
}

/** Help: what the bot does and its commands on this platform. */
export function helpScreen(platform: 'telegram' | 'discord' | 'console'): Screen {
  return {
    title: text('ui:help.title'),
    body: [text('ui:welcome.body'), text(`ui:help.${platform}`), text('ui:help.privacy')],
    buttons: [
      [
        {
          type: 'action',
          label: text('ui:buttons.guides'),
          action: encodeAction({ type: 'guides' }),
        },
      ],
    ],
  };
}

/**
 * Buttons two to a row: language names such as "Português (Brasil)" stay readable on a phone,
 * and seven languages stay within Discord's five buttons per row.
 */
export function inPairs<T>(items: readonly T[]): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += 2) rows.push(items.slice(i, i + 2));
  return rows;
}

/** The language picker: each language by its own name. */
export function languageScreen(languages: readonly string[], notice?: Text): Screen {
  return {
    title: text('ui:language.title'),
    ...(notice ? { notice } : {}),
    body: [text('ui:language.body')],
    buttons: inPairs(
      languages.map((language) => ({
        type: 'action' as const,
        label: text(`ui:languageNames.${language}` as TextKey),
        action: encodeAction({ type: 'language', language }),
      })),
    ),
  };
}

/** What a reminder is about: the periodic re-check, or a guide whose steps changed. */
export type ReminderTopic = 'recheck' | 'changed';

/**
 * The re-check reminder: one question, four answers, and the link to the setting. `nextAt` is
 * when the following reminder would come if the user answers "still off".
 */
export function reminderScreen(
  guide: Guide,
  topic: ReminderTopic,
  when: { readonly now: number; readonly nextAt: number | null },
): Screen {
  const answer = (a: 'stillOff' | 'wasOn' | 'snooze' | 'stop', key: TextKey): Button => ({
    type: 'action',
    label: text(key),
    action: encodeAction({ type: 'reminder', guideId: guide.id, answer: a }),
  });
  const url = guide.steps.find((s) => s.key)?.url ?? guide.steps.find((s) => s.url)?.url;
  const body: Text[] = [text(topic === 'changed' ? 'ui:reminder.changed' : 'ui:reminder.question')];
  if (topic === 'changed' && guide.changes[String(guide.version)] !== undefined) {
    body.push(text(`labels:${guide.id}._changes.${guide.version}`));
  }
  if (when.nextAt !== null && topic === 'recheck') {
    body.push(text('ui:reminder.next', { when: { at: when.nextAt, from: when.now } }));
  }
  const answers: Button[][] =
    topic === 'changed'
      ? [
          [
            {
              type: 'action',
              label: text('ui:buttons.recheck'),
              action: encodeAction({ type: 'open', guideId: guide.id }),
            },
          ],
          [answer('snooze', 'ui:reminder.snooze'), answer('stop', 'ui:reminder.stop')],
        ]
      : [
          [answer('stillOff', 'ui:reminder.stillOff'), answer('wasOn', 'ui:reminder.wasOn')],
          [answer('snooze', 'ui:reminder.snooze'), answer('stop', 'ui:reminder.stop')],
        ];
  return {
    title: guideTitle(guide),
    subtitle: text(topic === 'changed' ? 'ui:recheck.subtitle' : 'ui:reminder.subtitle'),
    body,
    buttons: [
      ...(url && topic === 'recheck'
        ? [[{ type: 'link' as const, label: text('ui:buttons.open'), url }]]
        : []),
      ...answers,
    ],
  };
}
