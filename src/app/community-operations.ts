import type { CommunityChange } from '../core/actions.js';
import { notAdminScreen, panelScreen, settingsScreen, statsScreen } from '../core/community.js';
import { negotiateLanguage } from '../core/language.js';
import {
  originOf,
  type CommunityKey,
  type CommunityRecord,
  type Repositories,
  type UserRecord,
} from '../core/ports.js';
import type { Actor, Reply, ServiceDeps } from './service-types.js';

/** What the community operations borrow from the application service. */
export interface CommunityKernel extends ServiceDeps {
  /** Runs work in one store transaction. */
  readonly run: <T>(work: (repos: Repositories) => Promise<T>) => Promise<T>;
  /** The language to speak to a user, given the community's default. */
  readonly languageFor: (
    user: UserRecord | undefined,
    actor: Actor,
    communityDefault?: string | null,
  ) => string;
}

/**
 * The community layer of the application service: the admin panel, settings and anonymous
 * stats, and forgetting a community. Every admin operation is refused politely, changing
 * nothing, unless the platform says the actor is an admin of the community.
 */
export function communityOperations(k: CommunityKernel) {
  const { catalog, languages } = k;
  const refused = (language: string): Reply => ({
    language,
    screen: notAdminScreen(),
    events: [{ type: 'rejected', reason: 'notAdmin' }],
  });

  /** The community's settings, created (with a fresh deep-link code) on first use. */
  const ensure = (repos: Repositories, key: CommunityKey): Promise<CommunityRecord> =>
    repos.communities.ensure(key, k.newRef(), k.now());

  function asAdmin<T extends Reply>(
    actor: Actor,
    work: (repos: Repositories, community: CommunityRecord, language: string) => T | Promise<T>,
  ): Promise<T | Reply> {
    return k.run(async (repos) => {
      const existing = await repos.users.find(actor);
      const known = actor.community ? await repos.communities.find(actor.community) : undefined;
      const language = k.languageFor(existing, actor, known?.language);
      if (!actor.community || actor.isAdmin !== true) return refused(language);
      return work(repos, await ensure(repos, actor.community), language);
    });
  }

  return {
    /** An admin's panel for the actor's community; `ref` goes into its deep links. */
    panel: (actor: Actor): Promise<Reply & { readonly ref?: string }> =>
      asAdmin(actor, (_repos, community) => ({
        // The panel speaks the community's language (its default, else the server's locale).
        language: negotiateLanguage(
          { explicit: community.language, platformLocale: actor.communityLocale },
          languages,
        ),
        screen: panelScreen(catalog, community),
        events: [],
        ref: community.ref,
      })),
    settings: (actor: Actor): Promise<Reply> =>
      asAdmin(actor, (_repos, community, language) => ({
        language,
        screen: settingsScreen(catalog, community, languages),
        events: [],
      })),
    stats: (actor: Actor): Promise<Reply> =>
      asAdmin(actor, async (repos, community, language) => ({
        language,
        screen: statsScreen(
          catalog,
          community,
          await repos.communities.counts(originOf(community)),
        ),
        events: [],
      })),
    remove: (key: CommunityKey): Promise<void> =>
      k.run(async (repos) => {
        await repos.communities.remove(key);
      }),
    /** Applies an admin's settings button inside the caller's transaction. */
    async change(
      repos: Repositories,
      actor: Actor,
      change: CommunityChange,
      language: string,
    ): Promise<Reply> {
      if (!actor.community || actor.isAdmin !== true) return refused(language);
      const community = await ensure(repos, actor.community);
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
      const updated = await ensure(repos, actor.community);
      return { language, screen: settingsScreen(catalog, updated, languages), events: [] };
    },
  };
}
