import type { Platform } from '../core/ports.js';
import type { Screen } from '../core/view.js';

/** What happened when the bot wrote to a user on its own initiative (a reminder). */
export type DeliveryOutcome =
  | { readonly type: 'sent' }
  /** The platform says the bot cannot write to this user (blocked, DMs closed, never started). */
  | { readonly type: 'unreachable'; readonly reason: string }
  /** Flood control: wait `retryAfterMs`; `global` when the whole bot must wait, not one chat. */
  | { readonly type: 'rateLimited'; readonly retryAfterMs: number; readonly global: boolean }
  /** A failure worth retrying later (5xx, timeout, network). */
  | { readonly type: 'failed'; readonly reason: string };

/**
 * The port through which the shell sends a screen to a user who did not just write to the bot.
 * Each platform adapter provides one. It never throws for platform answers: they come back as
 * a {@link DeliveryOutcome}.
 */
export interface Messenger {
  readonly platform: Platform;
  deliver(
    platformUserId: string,
    message: { readonly language: string; readonly screen: Screen },
  ): Promise<DeliveryOutcome>;
}
