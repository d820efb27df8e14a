import { encodeAction } from './actions.js';
import type { Catalog } from './catalog.js';
import type { CommunityCount, CommunityRecord } from './ports.js';
import { text, type Text, type TextKey } from './text.js';
import type { Button, Screen } from './view.js';
import { inPairs } from './menus.js';
import { guideTitle } from './walkthrough-view.js';

/** Counts below this are shown as "fewer than 5", so that no one can be singled out. */
export const smallCount = 5;

/** A count as shown to admins: the number, or "fewer than 5". */
export function shownCount(count: number): Text | number {
  return count < smallCount ? text('ui:community.fewer') : count;
}

/**
 * The panel an admin posts: a short call-to-action and one button per featured guide. Each
 * button opens that guide privately for whoever presses it (the adapter makes it a deep link
 * on Telegram, a button on Discord).
 */
export function panelScreen(catalog: Catalog, community: CommunityRecord): Screen {
  const guides = community.featured.flatMap((id) => {
    const guide = catalog.get(id);
    return guide ? [guide] : [];
  });
  return {
    title: text('ui:community.panelTitle'),
    body: [text('ui:community.panelBody'), text('ui:community.panelPrivacy')],
    buttons: guides.map((guide) => [
      {
        type: 'action',
        label: guideTitle(guide),
        action: encodeAction({ type: 'open', guideId: guide.id }),
      },
    ]),
  };
}

/** Anonymous counts per guide: started, completed, to re-check; small numbers hidden. */
export function statsScreen(
  catalog: Catalog,
  community: CommunityRecord,
  counts: readonly CommunityCount[],
): Screen {
  if (!community.statsOn) {
    return {
      title: text('ui:community.statsTitle'),
      body: [text('ui:community.statsOff')],
      buttons: [],
    };
  }
  const byGuide = new Map<string, { started: number; completed: number; recheck: number }>();
  for (const { guideId, status, count } of counts) {
    const entry = byGuide.get(guideId) ?? { started: 0, completed: 0, recheck: 0 };
    if (status !== 'not_started') entry.started += count;
    if (status === 'completed') entry.completed += count;
    if (status === 'needs_recheck') entry.recheck += count;
    byGuide.set(guideId, entry);
  }
  const ids = [...new Set([...community.featured, ...byGuide.keys()])].filter((id) =>
    catalog.get(id),
  );
  const lines = ids.map((id) => {
    const entry = byGuide.get(id) ?? { started: 0, completed: 0, recheck: 0 };
    const guide = catalog.get(id);
    return text('ui:community.statsLine', {
      title: guide ? guideTitle(guide) : id,
      started: shownCount(entry.started),
      completed: shownCount(entry.completed),
      recheck: shownCount(entry.recheck),
    });
  });
  return {
    title: text('ui:community.statsTitle'),
    body: [...lines, text('ui:community.statsPrivacy')],
    buttons: [],
  };
}

/** The settings an admin can change: language, stats, featured guides. */
export function settingsScreen(
  catalog: Catalog,
  community: CommunityRecord,
  languages: readonly string[],
): Screen {
  const act = (change: Parameters<typeof encodeAction>[0]): string => encodeAction(change);
  // One button that cycles through the choices keeps the screen within Discord's 25 buttons.
  const choices: (string | null)[] = [null, ...languages];
  const next = choices[(choices.indexOf(community.language) + 1) % choices.length] ?? null;
  const current =
    community.language === null
      ? text('ui:community.languageAuto')
      : text(`ui:languageNames.${community.language}` as TextKey);
  const language: Button[] = [
    {
      type: 'action',
      label: text('ui:community.languageButton', { language: current }),
      action: act({ type: 'community', change: { kind: 'language', language: next } }),
    },
  ];
  const featured = catalog.guides.map((guide): Button[] => [
    {
      type: 'action',
      label: community.featured.includes(guide.id)
        ? text('ui:community.featuredOn', { title: guideTitle(guide) })
        : text('ui:community.featuredOff', { title: guideTitle(guide) }),
      action: act({ type: 'community', change: { kind: 'featured', guideId: guide.id } }),
    },
  ]);
  return {
    title: text('ui:community.settingsTitle'),
    body: [
      text('ui:community.settingsBody'),
      text(community.statsOn ? 'ui:community.statsAreOn' : 'ui:community.statsAreOff'),
    ],
    buttons: [
      ...inPairs(language),
      [
        {
          type: 'action',
          label: text(community.statsOn ? 'ui:community.turnStatsOff' : 'ui:community.turnStatsOn'),
          action: act({ type: 'community', change: { kind: 'stats', on: !community.statsOn } }),
        },
      ],
      ...featured,
    ],
  };
}

/** Said to a member who tried an admin command. */
export function notAdminScreen(): Screen {
  return {
    title: text('ui:community.settingsTitle'),
    body: [text('ui:community.notAdmin')],
    buttons: [],
  };
}
