import { describe, expect, it } from 'vitest';
import type { LocalizedScreen } from '../../src/app/localize.js';
import { discordLimits, formatScreen as discordFormat } from '../../src/bots/discord/format.js';
import {
  formatScreen as telegramFormat,
  telegramTextLimit,
} from '../../src/bots/telegram/format.js';
import { panelScreen, settingsScreen, statsScreen } from '../../src/core/community.js';
import type { Guide } from '../../src/core/guide.js';
import {
  categoryScreen,
  guideListScreen,
  helpScreen,
  languageScreen,
  reminderScreen,
  statusScreen,
} from '../../src/core/menus.js';
import type { CommunityRecord } from '../../src/core/ports.js';
import { exportScreen, forgetConfirmScreen, forgottenScreen } from '../../src/core/privacy.js';
import { initialProgress, type Progress } from '../../src/core/progress.js';
import { dayMs, longIntervalMs } from '../../src/core/schedule.js';
import { text } from '../../src/core/text.js';
import type { Screen } from '../../src/core/view.js';
import { walkthroughScreen } from '../../src/core/walkthrough-view.js';
import { supportedLanguages } from '../../src/locales/index.js';
import { createI18n } from '../../src/app/i18n.js';
import { createLocalizer } from '../../src/app/localize.js';
import { shippedCatalog } from '../helpers/app.js';

/**
 * Every screen of every guide, and every menu, in every shipped language, through the real
 * Telegram and Discord formatters: within the platforms' limits, with nothing cut off, no raw
 * placeholder or key, and a Done button that starts with ✅.
 */

const now = 1_700_000_000_000;
const intervals = { default: 30 * dayMs, long: longIntervalMs };
const catalog = shippedCatalog;
const i18n = createI18n(catalog);
const localizers = {
  telegram: createLocalizer(i18n, 'words'),
  discord: createLocalizer(i18n, 'discord'),
};

const at = (guide: Guide, patch: Partial<Progress>): Progress => ({
  ...initialProgress(guide, now),
  startedAt: now,
  ...patch,
});
const allSteps = (guide: Guide, status: 'done' | 'skipped'): Progress['steps'] =>
  Object.fromEntries(guide.steps.map((s) => [s.id, status]));

/** Every screen a user can meet while doing `guide`, by a readable name. */
function guideScreens(guide: Guide): [string, Screen][] {
  const ctx = { now, guide, cadence: 'default' as const, intervals, reminderAt: now + 30 * dayMs };
  const screens: [string, Screen][] = [
    ['intro', walkthroughScreen(initialProgress(guide, now), ctx)],
  ];
  guide.steps.forEach((step, cursor) => {
    const before: Progress['steps'] = Object.fromEntries(
      guide.steps.slice(0, cursor).map((s) => [s.id, 'done' as const]),
    );
    const steps: Progress['steps'] = { ...initialProgress(guide, now).steps, ...before };
    screens.push([
      `step ${step.id}`,
      walkthroughScreen(at(guide, { status: 'in_progress', cursor, steps }), ctx),
    ]);
    screens.push([
      `step ${step.id} after "I can't find it"`,
      walkthroughScreen(
        at(guide, { status: 'in_progress', cursor, steps: { ...steps, [step.id]: 'cant' } }),
        ctx,
      ),
    ]);
  });
  const completed = (steps: Progress['steps']): Progress =>
    at(guide, { status: 'completed', steps, completedAt: now, completedVersion: guide.version });
  screens.push(['completed', walkthroughScreen(completed(allSteps(guide, 'done')), ctx)]);
  screens.push([
    'completed with every step skipped',
    walkthroughScreen(completed(allSteps(guide, 'skipped')), {
      ...ctx,
      cadence: 'never',
      reminderAt: null,
    }),
  ]);
  screens.push([
    'completed, one step skipped, long reminders',
    walkthroughScreen(completed({ ...allSteps(guide, 'done'), [guide.steps[0]!.id]: 'skipped' }), {
      ...ctx,
      cadence: 'long',
      reminderAt: now + longIntervalMs,
    }),
  ]);
  screens.push([
    'needs re-check',
    walkthroughScreen(at(guide, { status: 'needs_recheck', steps: allSteps(guide, 'done') }), ctx),
  ]);
  screens.push([
    're-check reminder',
    reminderScreen(guide, 'recheck', { now, nextAt: now + 30 * dayMs }),
  ]);
  screens.push([
    '"this setting changed" reminder',
    reminderScreen(guide, 'changed', { now, nextAt: null }),
  ]);
  screens.push([
    `category ${guide.category}`,
    categoryScreen(catalog, guide.category, new Map([[guide.id, 'completed']])),
  ]);
  return screens;
}

const community: CommunityRecord = {
  id: 1,
  platform: 'telegram',
  communityId: '-100',
  ref: 'ref123',
  language: null,
  featured: catalog.guides.map((g) => g.id),
  statsOn: true,
};
const everyStatus = ['not_started', 'in_progress', 'completed', 'needs_recheck'] as const;

/** The menus: guide list, status, help, language, export, forget, panel, stats, settings. */
function menuScreens(): [string, Screen][] {
  const statuses = new Map(catalog.guides.map((g, i) => [g.id, everyStatus[i % 4]!]));
  const progresses = catalog.guides.map((guide, i) =>
    at(guide, {
      status: everyStatus[i % 4]!,
      cursor: guide.steps.length - 1,
      steps: allSteps(guide, 'done'),
    }),
  );
  const user = {
    id: 1,
    platform: 'telegram' as const,
    platformUserId: '123456789012345678',
    languageChoice: null,
    language: 'en',
    cadence: 'default' as const,
    dmOk: true,
    createdAt: now,
    lastSeenAt: now,
  };
  const data = {
    user,
    progress: catalog.guides.map((g, i) => ({
      userId: 1,
      guideId: g.id,
      state: progresses[i],
      origin: i % 2 ? 'telegram:-100' : null,
    })),
    reminders: catalog.guides.map((g) => ({
      userId: 1,
      guideId: g.id,
      kind: 'recheck' as const,
      dueAt: now + 30 * dayMs,
      attempts: 0,
    })),
  };
  return [
    ['guide list', guideListScreen(catalog, statuses)],
    ['welcome', guideListScreen(catalog, new Map(), { welcome: true })],
    ['status', statusScreen(catalog, progresses)],
    ['status, empty', statusScreen(catalog, [])],
    ['help (Telegram)', helpScreen('telegram')],
    ['help (Discord)', helpScreen('discord')],
    ['language', languageScreen(supportedLanguages, text('ui:language.changed'))],
    ['export', exportScreen(data, catalog, now)],
    [
      // Every guide, with paused reminders: the longest export (over 4096 characters in French,
      // so the Telegram formatter shortens it; the attached file holds everything).
      'export, paused reminders',
      exportScreen(
        {
          user: { ...user, dmOk: false },
          progress: data.progress,
          reminders: data.reminders,
        },
        catalog,
        now,
      ),
    ],
    ['export, nothing', exportScreen(undefined, catalog, now)],
    ['forget', forgetConfirmScreen(now)],
    ['forgotten', forgottenScreen(true)],
    ['panel', panelScreen(catalog, community)],
    [
      'stats',
      statsScreen(
        catalog,
        community,
        catalog.guides.flatMap((g, i) => [
          { guideId: g.id, status: 'completed', count: 1000 + i },
          { guideId: g.id, status: 'needs_recheck', count: i },
        ]),
      ),
    ],
    ['stats, off', statsScreen(catalog, { ...community, statsOn: false }, [])],
    ['settings', settingsScreen(catalog, community, supportedLanguages)],
  ];
}

const guideCases = catalog.guides.flatMap((guide) =>
  supportedLanguages.flatMap((language) =>
    guideScreens(guide).map(([name, screen]) => [guide.id, name, language, screen] as const),
  ),
);
const menuCases = supportedLanguages.flatMap((language) =>
  menuScreens().map(([name, screen]) => ['menu', name, language, screen] as const),
);

/** Telegram's length of an HTML message: the text once tags are removed and entities read. */
const telegramLength = (html: string): number =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&').length;

const utf8Bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

/** What the user must never see: a raw placeholder or an i18n key that did not resolve. */
function leftovers(screen: LocalizedScreen): string[] {
  const texts = [
    screen.title,
    screen.subtitle ?? '',
    screen.progress ?? '',
    screen.notice ?? '',
    ...screen.body,
    ...screen.buttons.flat().map((b) => b.label),
  ];
  // i18next answers a missing key with the key itself, without its namespace.
  return texts.filter(
    (t) =>
      /\{\{|\}\}|\b(?:ui|guides|labels):[\w-]+\./.test(t) ||
      /(?:^|\s)[a-z][\w-]*(?:\.[\w-]+){2,}(?:\s|$)/.test(t),
  );
}

describe.each([...guideCases, ...menuCases])('%s: %s in %s', (_, name, language, screen) => {
  it('fits Telegram', () => {
    const localized = localizers.telegram.screen(screen, language);
    expect(leftovers(localized)).toEqual([]);
    const message = telegramFormat(localized);
    expect(telegramLength(message.text)).toBeLessThanOrEqual(telegramTextLimit);
    for (const row of message.reply_markup.inline_keyboard) {
      expect(row.length).toBeLessThanOrEqual(8);
      for (const b of row) {
        expect(b.text.trim()).not.toBe('');
        if ('callback_data' in b && b.callback_data !== undefined) {
          expect(utf8Bytes(b.callback_data)).toBeLessThanOrEqual(64);
        }
      }
    }
  });

  it('fits Discord, with nothing cut off', () => {
    const localized = localizers.discord.screen(screen, language);
    expect(leftovers(localized)).toEqual([]);
    const message = discordFormat(localized);
    expect(message.content.length).toBeLessThanOrEqual(discordLimits.content);
    const [embed] = message.embeds;
    const title = embed?.title ?? '';
    const description = embed?.description ?? '';
    expect(title.length).toBeLessThanOrEqual(discordLimits.embedTitle);
    expect(description.length).toBeLessThanOrEqual(discordLimits.embedDescription);
    expect(title.length + description.length).toBeLessThanOrEqual(6000);
    // Nothing clipped: the formatter shortens what is too long, so compare with the words. Only
    // the longest data export may be shortened: its attached file holds everything.
    expect(title.endsWith('…')).toBe(localized.title.endsWith('…'));
    if (name !== 'export, paused reminders') {
      expect(description.endsWith('…')).toBe((localized.body.at(-1) ?? '').endsWith('…'));
    }
    expect(message.components.length).toBeLessThanOrEqual(discordLimits.rows);
    const buttons = message.components.flatMap((row) => row.components);
    for (const row of message.components) {
      expect(row.components.length).toBeLessThanOrEqual(discordLimits.buttonsPerRow);
    }
    for (const b of localized.buttons.flat()) {
      expect(b.label.length, b.label).toBeLessThanOrEqual(discordLimits.buttonLabel);
    }
    for (const b of buttons) {
      if ('custom_id' in b) expect(b.custom_id.length).toBeLessThanOrEqual(100);
    }
    // Discord keeps at most 25 buttons (5 rows of 5): none may be dropped.
    expect(buttons.length).toBe(localized.buttons.flat().length);
  });

  it('labels the Done button with a leading ✅', () => {
    const done = localizers.telegram.text(text('ui:buttons.done'), language);
    const localized = localizers.telegram.screen(screen, language);
    const labels = localized.buttons.flat().map((b) => b.label);
    if (name.startsWith('step ')) expect(labels).toContain(done);
    expect(done.startsWith('✅')).toBe(true);
  });
});

it('covers every shipped language and every guide', () => {
  expect(new Set(guideCases.map(([id]) => id)).size).toBe(catalog.guides.length);
  expect(new Set(menuCases.map(([, , l]) => l))).toEqual(new Set(supportedLanguages));
});
