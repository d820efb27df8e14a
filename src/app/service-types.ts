import type { Catalog } from '../core/catalog.js';
import type { CommunityKey, Store, UserKey } from '../core/ports.js';
import type { Intervals } from '../core/schedule.js';
import type { Screen } from '../core/view.js';

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

/** Whether the service refused the request (a stale or forged button, an unknown guide, …). */
export const wasRefused = (reply: Reply): boolean =>
  reply.events.some((event) => event.type === 'rejected');

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
