import { decodeAction, type Action } from '../core/actions.js';
import type { Catalog } from '../core/catalog.js';
import type { Guide } from '../core/guide.js';
import { negotiateLanguage } from '../core/language.js';
import { categoryScreen, guideListScreen, languageScreen, statusScreen } from '../core/menus.js';
import { assertNever } from '../core/never.js';
import { notAdminScreen, panelScreen, settingsScreen, statsScreen } from '../core/community.js';
import {
  originOf,
  type CommunityKey,
  type CommunityRecord,
  type Repositories,
  type Store,
  type UserKey,
  type UserRecord,
} from '../core/ports.js';
import {
  exportDocument,
  exportScreen,
  forgetConfirmScreen,
  forgetStillValid,
  forgottenScreen,
} from '../core/privacy.js';
import { restoreProgress, type GuideStatus, type Progress } from '../core/progress.js';
import type { Intervals } from '../core/schedule.js';
import { text, type Text } from '../core/text.js';
import type { Screen } from '../core/view.js';
import { transition, type WalkthroughEvent } from '../core/walkthrough.js';

/** Who did something: the user, and what their platform says about their language. */
export interface Actor extends UserKey {
  /** Discord `interaction.locale`, Telegram `language_code`, the terminal's `LANG`. */
  readonly locale?: string | null;
  /**
   * Set when this request proves the bot can write to the user (a Telegram private chat, a
   * Discord DM): a user marked unreachable becomes reachable again.
   */
  readonly reachable?: boolean;
  /** The community (server, group) the request comes from, if any. */
  readonly community?: CommunityKey;
  /** The community's own locale (Discord `guild_locale`), for its panel. */
  readonly communityLocale?: string | null;
  /** Whether the platform says this user may manage the community (checked at every use). */
  readonly isAdmin?: boolean;
}

/** What to show the user, and in which language. */
export interface Reply {
  readonly language: string;
  readonly screen: Screen;
  /** Which guide the screen belongs to, when it is a walkthrough screen. */
  readonly guideId?: string;
  /** Things that happened, for logs and metrics. */
  readonly events: readonly ServiceEvent[];
}

/** Notable outcomes of a request. */
export type ServiceEvent =
  | { readonly type: 'started'; readonly guideId: string }
  | { readonly type: 'completed'; readonly guideId: string; readonly version: number }
  | { readonly type: 'rejected'; readonly reason: string }
  | { readonly type: 'progressReset'; readonly guideId: string }
  | { readonly type: 'forgotten'; readonly rows: number };

/** A user's data export: the readable screen and the same data as a JSON file. */
export interface ExportReply extends Reply {
  /** Undefined when nothing is stored about the user. */
  readonly document: { readonly fileName: string; readonly json: string } | undefined;
}

/** What the service needs; passed in by the composition root (`src/main.ts`). */
export interface ServiceDeps {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly now: () => number;
  readonly intervals: Intervals;
  readonly languages: readonly string[];
  /** A fresh random code for a new community's deep links (letters, digits, - and _). */
  readonly newRef: () => string;
}

/** Options when opening a guide. */
export interface OpenOptions {
  /** The community the walkthrough is started from, e.g. `discord:<guild id>`. */
  readonly origin?: string | null;
}

/**
 * The application service: the one imperative shell every adapter calls with "this user did
 * this". Each call loads what it needs, applies the pure core, saves the result and its
 * effects in one transaction, and returns the screen to show. Nothing here knows a platform.
 */
export interface WalkthroughService {
  /** Opens (starts, resumes or shows) a guide. An unknown id shows the guide list with a note. */
  openGuide(actor: Actor, guideId: string, options?: OpenOptions): Promise<Reply>;
  /** Handles a button press with its raw action id. Never throws for bad ids. */
  press(actor: Actor, actionId: string): Promise<Reply>;
  /** The guide list; with `welcome`, introduced as the first thing a new user sees. */
  guides(actor: Actor, options?: { readonly welcome?: boolean }): Promise<Reply>;
  status(actor: Actor): Promise<Reply>;
  languageMenu(actor: Actor): Promise<Reply>;
  /** Sets the user's language; an unsupported one shows the language menu again. */
  setLanguage(actor: Actor, language: string): Promise<Reply>;
  /** The language to use with this user now. */
  languageOf(actor: Actor): Promise<string>;
  /** Everything stored about the user, readable and as JSON. Creates nothing. */
  exportData(actor: Actor): Promise<ExportReply>;
  /** Asks to confirm deleting everything about the user (the button does it). Creates nothing. */
  forgetPrompt(actor: Actor): Promise<Reply>;
  /**
   * Opens a guide from a deep link payload, `<guide>` or `<guide>_<community ref>` (a panel's
   * link). A malformed payload, an unknown guide or an unknown community shows the guide list
   * with a note and records no origin.
   */
  openFromLink(actor: Actor, payload: string): Promise<Reply>;
  /** An admin's panel for the actor's community; `ref` goes into its deep links. */
  panel(actor: Actor): Promise<Reply & { readonly ref?: string }>;
  /** An admin's community settings. */
  communitySettings(actor: Actor): Promise<Reply>;
  /** Anonymous counts for an admin (shown only to them). */
  communityStats(actor: Actor): Promise<Reply>;
  /** The bot left the community: its settings go; members' progress stays theirs. */
  removeCommunity(key: CommunityKey): Promise<void>;
  /** Records whether the platform lets the bot write to the user (blocked bot, closed DMs). */
  setReachable(key: UserKey, reachable: boolean): Promise<void>;
}

/** Creates the {@link WalkthroughService}. */
export function createWalkthroughService(deps: ServiceDeps): WalkthroughService {
  const { store, catalog, now, intervals, languages } = deps;

  /** The community's settings, created (with a fresh deep-link code) on first use. */
  const communityOf = (repos: Repositories, key: CommunityKey) =>
    repos.communities.ensure(key, deps.newRef(), now());

  /** A community screen for admins only: anyone else gets a polite refusal, and nothing happens. */
  async function asAdmin<T extends Reply>(
    actor: Actor,
    work: (repos: Repositories, community: CommunityRecord, language: string) => T | Promise<T>,
  ): Promise<Reply> {
    return run(async (repos) => {
      const existing = await repos.users.find(actor);
      const known = actor.community ? await repos.communities.find(actor.community) : undefined;
      const language = languageFor(existing, actor, known?.language);
      if (!actor.community || actor.isAdmin !== true) {
        return {
          language,
          screen: notAdminScreen(),
          events: [{ type: 'rejected', reason: 'notAdmin' }],
        };
      }
      return work(repos, await communityOf(repos, actor.community), language);
    });
  }

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
    const user = await repos.users.touch(key, now(), language);
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
    const reminder = await repos.reminders.get(user.id, guide.id);
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
      case 'community': {
        if (!actor.community || actor.isAdmin !== true) {
          return {
            language,
            screen: notAdminScreen(),
            events: [{ type: 'rejected', reason: 'notAdmin' }],
          };
        }
        const community = await communityOf(repos, actor.community);
        const change = action.change;
        if (change.kind === 'language') {
          const chosen =
            change.language === null ? null : languages.find((l) => l === change.language);
          if (chosen !== undefined)
            await repos.communities.update(community.id, { language: chosen });
        } else if (change.kind === 'stats') {
          await repos.communities.update(community.id, { statsOn: change.on });
        } else if (catalog.get(change.guideId)) {
          const featured = community.featured.includes(change.guideId)
            ? community.featured.filter((id) => id !== change.guideId)
            : [...community.featured, change.guideId];
          await repos.communities.update(community.id, { featured });
        }
        const updated = await communityOf(repos, actor.community);
        return { language, screen: settingsScreen(catalog, updated, languages), events: [] };
      }
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
    panel: (actor) =>
      asAdmin(actor, (_repos, community) => {
        const language = negotiateLanguage(
          { explicit: community.language, platformLocale: actor.communityLocale },
          languages,
        );
        return {
          language,
          screen: panelScreen(catalog, community),
          events: [],
          ref: community.ref,
        };
      }),
    communitySettings: (actor) =>
      asAdmin(actor, (_repos, community, language) => ({
        language,
        screen: settingsScreen(catalog, community, languages),
        events: [],
      })),
    communityStats: (actor) =>
      asAdmin(actor, async (repos, community, language) => ({
        language,
        screen: statsScreen(
          catalog,
          community,
          await repos.communities.counts(originOf(community)),
        ),
        events: [],
      })),
    removeCommunity: (key) =>
      run(async (repos) => {
        await repos.communities.remove(key);
      }),
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
