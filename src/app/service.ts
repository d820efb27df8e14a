import { decodeAction, type Action } from '../core/actions.js';
import type { Guide } from '../core/guide.js';
import { negotiateLanguage } from '../core/language.js';
import { categoryScreen, guideListScreen, languageScreen, statusScreen } from '../core/menus.js';
import { assertNever } from '../core/never.js';
import { originOf, type Repositories, type UserKey, type UserRecord } from '../core/ports.js';
import {
  exportDocument,
  exportScreen,
  forgetConfirmScreen,
  forgetStillValid,
  forgottenScreen,
} from '../core/privacy.js';
import { restoreProgress, type GuideStatus, type Progress } from '../core/progress.js';
import { text, type Text } from '../core/text.js';
import type { Screen } from '../core/view.js';
import { transition, type WalkthroughEvent } from '../core/walkthrough.js';

export type {
  Actor,
  ExportReply,
  OpenOptions,
  Reply,
  ServiceDeps,
  ServiceEvent,
  WalkthroughService,
} from './service-types.js';
import { communityOperations } from './community-operations.js';
import type {
  Actor,
  Reply,
  ServiceDeps,
  ServiceEvent,
  WalkthroughService,
} from './service-types.js';

/** How stale a user's recorded `last_seen_at` may be before an update records it again. */
export const lastSeenPrecisionMs = 3_600_000;

/** Creates the {@link WalkthroughService}. */
export function createWalkthroughService(deps: ServiceDeps): WalkthroughService {
  const { store, catalog, now, intervals, languages } = deps;

  /** The language to speak to a user (who may not be stored yet). */
  const languageFor = (
    user: UserRecord | undefined,
    actor: Actor,
    communityDefault?: string | null,
  ): string =>
    negotiateLanguage(
      { explicit: user?.languageChoice, platformLocale: actor.locale, communityDefault },
      languages,
    );

  /** Finds or creates the user, and settles the language to speak. */
  async function enter(
    repos: Repositories,
    actor: Actor,
  ): Promise<{ user: UserRecord; language: string }> {
    const key: UserKey = { platform: actor.platform, platformUserId: actor.platformUserId };
    const existing = await repos.users.find(key);
    const community = actor.community ? await repos.communities.find(actor.community) : undefined;
    const language = languageFor(existing, actor, community?.language);
    const at = now();
    // `last_seen_at` only serves the retention sweep (months, at day precision): recording it
    // at most once an hour spares a write on nearly every update.
    const seenLately =
      existing !== undefined &&
      at >= existing.lastSeenAt &&
      at - existing.lastSeenAt < lastSeenPrecisionMs;
    const user = seenLately ? existing : await repos.users.touch(key, at, language);
    const dmOk = user.dmOk || actor.reachable === true;
    if (user.language !== language || user.dmOk !== dmOk) {
      await repos.users.update(user.id, { language, dmOk });
    }
    // Reminders paused because the bot could not write to the user resume now that it can.
    if (!user.dmOk && dmOk) await repos.reminders.setPaused(user.id, false);
    return { user: { ...user, language, dmOk }, language };
  }

  async function loadProgress(repos: Repositories, user: UserRecord, guide: Guide) {
    const record = await repos.progress.get(user.id, guide.id);
    const restored = restoreProgress(record?.state, guide, now());
    return { ...restored, origin: record?.origin ?? null, exists: record !== undefined };
  }

  /** Applies a walkthrough event to one guide and saves everything it implies. */
  async function step(
    repos: Repositories,
    user: UserRecord,
    language: string,
    guide: Guide,
    event: WalkthroughEvent,
    origin: string | null = null,
  ): Promise<Reply> {
    const loaded = await loadProgress(repos, user, guide);
    // The stored reminder only shows on the screen of a completed guide (every event that
    // completes or reschedules brings its own time): other steps need not read it.
    const reminder =
      loaded.progress.status === 'completed'
        ? await repos.reminders.get(user.id, guide.id)
        : undefined;
    const before = loaded.progress.status;
    const result = transition(loaded.progress, event, {
      now: now(),
      guide,
      cadence: user.cadence,
      intervals,
      reminderAt: reminder?.dueAt ?? null,
    });
    const events: ServiceEvent[] =
      loaded.outcome === 'reset' && loaded.exists
        ? [{ type: 'progressReset', guideId: guide.id }]
        : [];
    let screen: Screen | undefined;
    for (const effect of result.effects) {
      switch (effect.type) {
        case 'render':
          screen = effect.screen;
          break;
        case 'scheduleReminder':
          await repos.reminders.schedule(user.id, effect.guideId, 'recheck', effect.at);
          break;
        case 'cancelReminder':
          await repos.reminders.cancel(user.id, effect.guideId);
          break;
        case 'setCadence':
          await repos.users.update(user.id, { cadence: effect.cadence });
          break;
        case 'completed':
          events.push({ type: 'completed', guideId: effect.guideId, version: effect.version });
          break;
        default:
          assertNever(effect);
      }
    }
    if (result.type === 'accepted') {
      await repos.progress.put({
        userId: user.id,
        guideId: guide.id,
        state: result.state,
        status: result.state.status,
        guideVersion: result.state.guideVersion,
        origin: loaded.origin ?? origin,
        updatedAt: result.state.updatedAt,
      });
      if (before === 'not_started' && result.state.status === 'in_progress') {
        events.push({ type: 'started', guideId: guide.id });
      }
    } else {
      events.push({ type: 'rejected', reason: result.reason });
    }
    if (screen === undefined) throw new Error('the walkthrough produced no screen'); // every result renders
    return { language, screen, guideId: guide.id, events };
  }

  async function statuses(repos: Repositories, user: UserRecord): Promise<Progress[]> {
    const records = await repos.progress.list(user.id);
    return records.flatMap((record) => {
      const guide = catalog.get(record.guideId);
      return guide ? [restoreProgress(record.state, guide, now()).progress] : [];
    });
  }

  async function guideList(
    repos: Repositories,
    user: UserRecord,
    language: string,
    notice?: Text,
    welcome = false,
  ): Promise<Reply> {
    const map = new Map<string, GuideStatus>(
      (await statuses(repos, user)).map((p) => [p.guideId, p.status]),
    );
    return {
      language,
      screen: guideListScreen(catalog, map, { ...(notice ? { notice } : {}), welcome }),
      events: notice ? [{ type: 'rejected', reason: notice.key }] : [],
    };
  }

  /** A button we cannot act on: show where the user is, with "this button is out of date". */
  async function outOfDate(
    repos: Repositories,
    user: UserRecord,
    language: string,
  ): Promise<Reply> {
    const open = (await statuses(repos, user))
      .filter((p) => p.status === 'in_progress')
      .sort((a, b) => b.updatedAt - a.updatedAt)[0];
    const guide = open && catalog.get(open.guideId);
    if (guide) {
      const reply = await step(repos, user, language, guide, { type: 'start' });
      return {
        ...reply,
        screen: { ...reply.screen, notice: text('ui:rejected.staleButton') },
        events: [{ type: 'rejected', reason: 'staleButton' }],
      };
    }
    return guideList(repos, user, language, text('ui:rejected.staleButton'));
  }

  async function act(
    repos: Repositories,
    user: UserRecord,
    language: string,
    action: Action,
    actor: Actor,
  ): Promise<Reply> {
    const guideOf = (id: string) => catalog.get(id);
    switch (action.type) {
      case 'open': {
        const guide = guideOf(action.guideId);
        // A panel button pressed in a community: the walkthrough remembers where it came from.
        const origin = actor.community ? originOf(actor.community) : null;
        return guide
          ? step(repos, user, language, guide, { type: 'start' }, origin)
          : outOfDate(repos, user, language);
      }
      case 'step': {
        const guide = guideOf(action.guideId);
        if (!guide) return outOfDate(repos, user, language);
        return step(repos, user, language, guide, {
          type: 'move',
          move: action.move,
          step: action.step,
          version: action.version,
        });
      }
      case 'restart': {
        const guide = guideOf(action.guideId);
        if (!guide) return outOfDate(repos, user, language);
        return step(repos, user, language, guide, { type: 'restart', version: action.version });
      }
      case 'cadence': {
        const guide = guideOf(action.guideId);
        if (!guide) return outOfDate(repos, user, language);
        return step(repos, user, language, guide, {
          type: 'chooseCadence',
          cadence: action.cadence,
        });
      }
      case 'reminder': {
        const guide = guideOf(action.guideId);
        if (!guide) return outOfDate(repos, user, language);
        return step(repos, user, language, guide, {
          type: 'reminderAnswer',
          answer: action.answer,
        });
      }
      case 'language':
        return chooseLanguage(repos, user, action.language, actor);
      case 'guides':
        return guideList(repos, user, language);
      case 'category': {
        const map = new Map(
          (await statuses(repos, user)).map((p) => [p.guideId, p.status] as const),
        );
        return { language, screen: categoryScreen(catalog, action.category, map), events: [] };
      }
      case 'status':
        return { language, screen: statusScreen(catalog, await statuses(repos, user)), events: [] };
      case 'forgetAsk':
        return { language, screen: forgetConfirmScreen(now()), events: [] };
      case 'community':
        return community.change(repos, actor, action.change, language);
      case 'forget': {
        if (!forgetStillValid(action.issuedAt, now())) {
          return {
            language,
            screen: { ...forgetConfirmScreen(now()), notice: text('ui:rejected.staleButton') },
            events: [{ type: 'rejected', reason: 'staleButton' }],
          };
        }
        const rows = await repos.users.forget(user.id);
        return {
          language,
          screen: forgottenScreen(rows > 0),
          events: [{ type: 'forgotten', rows }],
        };
      }
      default:
        return assertNever(action);
    }
  }

  async function chooseLanguage(
    repos: Repositories,
    user: UserRecord,
    wanted: string,
    actor: Actor,
  ): Promise<Reply> {
    const language = languages.find((l) => l.toLowerCase() === wanted.toLowerCase());
    if (language === undefined) {
      const current = languageFor(user, actor);
      return {
        language: current,
        screen: languageScreen(languages),
        events: [{ type: 'rejected', reason: 'unknownLanguage' }],
      };
    }
    await repos.users.update(user.id, { languageChoice: language, language });
    return {
      language,
      screen: { ...languageScreen(languages), notice: text('ui:language.changed') },
      events: [],
    };
  }

  const run = <T>(work: (repos: Repositories) => Promise<T>): Promise<T> => store.transaction(work);
  const community = communityOperations({ ...deps, run, languageFor });

  return {
    openGuide: (actor, guideId, options) =>
      run(async (repos) => {
        const { user, language } = await enter(repos, actor);
        const guide = catalog.get(guideId);
        if (!guide) return guideList(repos, user, language, text('ui:rejected.unknownGuide'));
        return step(repos, user, language, guide, { type: 'start' }, options?.origin ?? null);
      }),
    press: (actor, actionId) =>
      run(async (repos) => {
        const { user, language } = await enter(repos, actor);
        const decoded = decodeAction(actionId);
        if (decoded.type === 'invalid') return outOfDate(repos, user, language);
        return act(repos, user, language, decoded.action, actor);
      }),
    guides: (actor, options) =>
      run(async (repos) => {
        const { user, language } = await enter(repos, actor);
        return guideList(repos, user, language, undefined, options?.welcome ?? false);
      }),
    status: (actor) =>
      run(async (repos) => {
        const { user, language } = await enter(repos, actor);
        return { language, screen: statusScreen(catalog, await statuses(repos, user)), events: [] };
      }),
    languageMenu: (actor) =>
      run(async (repos) => {
        const { language } = await enter(repos, actor);
        return { language, screen: languageScreen(languages), events: [] };
      }),
    setLanguage: (actor, wanted) =>
      run(async (repos) => {
        const { user } = await enter(repos, actor);
        return chooseLanguage(repos, user, wanted, actor);
      }),
    languageOf: (actor) =>
      run(async (repos) => {
        return languageFor(await repos.users.find(actor), actor);
      }),
    exportData: (actor) =>
      run(async (repos) => {
        const existing = await repos.users.find(actor);
        const language = languageFor(existing, actor);
        if (existing === undefined) {
          return {
            language,
            screen: exportScreen(undefined, catalog, now()),
            events: [],
            document: undefined,
          };
        }
        const data = {
          user: existing,
          progress: await repos.progress.list(existing.id),
          reminders: await repos.reminders.list(existing.id),
        };
        return {
          language,
          screen: exportScreen(data, catalog, now()),
          events: [],
          document: {
            fileName: 'optout-bot-my-data.json',
            json: `${JSON.stringify(exportDocument(data, catalog, now()), null, 2)}\n`,
          },
        };
      }),
    forgetPrompt: (actor) =>
      run(async (repos) => {
        const existing = await repos.users.find(actor);
        const language = languageFor(existing, actor);
        return { language, screen: forgetConfirmScreen(now()), events: [] };
      }),
    openFromLink: (actor, payload) =>
      run(async (repos) => {
        const { user, language } = await enter(repos, actor);
        const match = /^([a-z0-9-]{1,24})(?:_([A-Za-z0-9_-]{1,16}))?$/.exec(payload);
        const guide = match?.[1] === undefined ? undefined : catalog.get(match[1]);
        const ref = match?.[2];
        const community = ref === undefined ? undefined : await repos.communities.findByRef(ref);
        if (!guide || (ref !== undefined && !community)) {
          return guideList(repos, user, language, text('ui:rejected.unknownGuide'));
        }
        return step(
          repos,
          user,
          language,
          guide,
          { type: 'start' },
          community ? originOf(community) : null,
        );
      }),
    panel: community.panel,
    communitySettings: community.settings,
    communityStats: community.stats,
    removeCommunity: community.remove,
    setReachable: (key, reachable) =>
      run(async (repos) => {
        const user = await repos.users.find(key);
        if (user && user.dmOk !== reachable) {
          await repos.users.update(user.id, { dmOk: reachable });
          await repos.reminders.setPaused(user.id, !reachable);
        }
      }),
  };
}
