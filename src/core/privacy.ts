import { encodeAction } from './actions.js';
import type { Catalog } from './catalog.js';
import type { ProgressRecord, ReminderRecord, UserRecord } from './ports.js';
import { restoreProgress, stepStatusList, type Progress } from './progress.js';
import { text, type Text } from './text.js';
import type { Screen } from './view.js';
import { guideTitle } from './walkthrough-view.js';

/** Everything stored about one user: the user row, their progress rows and their reminders. */
export interface UserData {
  readonly user: UserRecord;
  readonly progress: readonly ProgressRecord[];
  readonly reminders: readonly ReminderRecord[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The user's data as a plain JSON document: every stored field, with times as ISO 8601 and
 * step outcomes by step id. This is what `/export` attaches as a file.
 */
export function exportDocument(
  data: UserData,
  catalog: Catalog,
  now: number,
): Record<string, unknown> {
  const { user } = data;
  return {
    exportedAt: iso(now),
    user: {
      platform: user.platform,
      platformUserId: user.platformUserId,
      languageChoice: user.languageChoice,
      language: user.language,
      reminderCadence: user.cadence,
      canMessage: user.dmOk,
      firstSeen: iso(user.createdAt),
      lastSeen: iso(user.lastSeenAt),
    },
    progress: data.progress.map((record) => {
      const guide = catalog.get(record.guideId);
      const progress = guide ? restoreProgress(record.state, guide, now).progress : undefined;
      return {
        guide: record.guideId,
        status: progress?.status ?? 'unknown guide',
        guideVersion: progress?.guideVersion ?? null,
        steps: progress?.steps ?? null,
        startedAt: iso(progress?.startedAt ?? null),
        completedAt: iso(progress?.completedAt ?? null),
        fromCommunity: record.origin,
      };
    }),
    reminders: data.reminders.map((r) => ({
      guide: r.guideId,
      kind: r.kind,
      due: iso(r.dueAt),
      paused: !user.dmOk,
    })),
  };
}

function progressLine(progress: Progress, catalog: Catalog, origin: string | null): Text {
  const guide = catalog.get(progress.guideId);
  const title = guide ? guideTitle(guide) : progress.guideId;
  const done = guide ? stepStatusList(guide, progress).filter((s) => s === 'done').length : 0;
  return text('ui:privacy.progressLine', {
    title,
    state: text(`ui:status.${progress.status}`, {
      current: progress.cursor + 1,
      total: guide?.steps.length ?? 0,
    }),
    done,
    origin:
      origin === null ? text('ui:privacy.noCommunity') : text('ui:privacy.community', { origin }),
  });
}

/** The readable export: what is stored, in plain words. */
export function exportScreen(data: UserData | undefined, catalog: Catalog, now: number): Screen {
  if (data === undefined) {
    return {
      title: text('ui:privacy.exportTitle'),
      body: [text('ui:privacy.nothing')],
      buttons: [],
    };
  }
  const { user } = data;
  const body: Text[] = [
    text('ui:privacy.exportIntro'),
    text('ui:privacy.account', { platform: user.platform, id: user.platformUserId }),
    text('ui:privacy.language', {
      language: text(`ui:languageNames.${user.language}` as `ui:languageNames.en`),
      how: text(
        user.languageChoice === null ? 'ui:privacy.languageAuto' : 'ui:privacy.languageChosen',
      ),
    }),
    text(`ui:privacy.cadence.${user.cadence}`),
  ];
  for (const record of data.progress) {
    const guide = catalog.get(record.guideId);
    if (guide)
      body.push(
        progressLine(restoreProgress(record.state, guide, now).progress, catalog, record.origin),
      );
  }
  for (const reminder of data.reminders) {
    const guide = catalog.get(reminder.guideId);
    body.push(
      text(user.dmOk ? 'ui:privacy.reminderLine' : 'ui:privacy.reminderPaused', {
        title: guide ? guideTitle(guide) : reminder.guideId,
        when: { at: reminder.dueAt, from: now },
      }),
    );
  }
  body.push(text('ui:privacy.exportFile'), text('ui:privacy.forgetHint'));
  return {
    title: text('ui:privacy.exportTitle'),
    body,
    buttons: [
      [
        {
          type: 'action',
          label: text('ui:privacy.forgetAsk'),
          action: encodeAction({ type: 'forgetAsk' }),
        },
      ],
    ],
  };
}

/** How long the "Yes, delete everything" button stays valid, in minutes. */
export const forgetConfirmMinutes = 15;

/** The minute a time falls in, as carried by the forget confirmation. */
export const minuteOf = (ms: number): number => Math.floor(ms / 60_000);

/** Whether a forget confirmation issued at `issuedAt` (a minute) may still delete, at `now`. */
export function forgetStillValid(issuedAt: number, now: number): boolean {
  const age = minuteOf(now) - issuedAt;
  return age >= 0 && age <= forgetConfirmMinutes;
}

/**
 * "Delete everything?": the one step before `/forget` deletes. Its button is valid for
 * {@link forgetConfirmMinutes} minutes, so an old or forged confirmation deletes nothing.
 */
export function forgetConfirmScreen(now: number): Screen {
  return {
    title: text('ui:privacy.forgetTitle'),
    body: [text('ui:privacy.forgetConfirm')],
    buttons: [
      [
        {
          type: 'action',
          label: text('ui:privacy.forgetButton'),
          action: encodeAction({ type: 'forget', issuedAt: minuteOf(now) }),
        },
      ],
      [
        {
          type: 'action',
          label: text('ui:privacy.cancel'),
          action: encodeAction({ type: 'status' }),
        },
      ],
    ],
  };
}

/** After deletion. */
export function forgottenScreen(deleted: boolean): Screen {
  return {
    title: text('ui:privacy.forgetTitle'),
    body: [text(deleted ? 'ui:privacy.forgotten' : 'ui:privacy.nothing')],
    buttons: [],
  };
}
