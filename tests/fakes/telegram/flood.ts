import type { FloodLimits } from './types.js';

/** Methods that post a new message and so count towards flood limits. */
export const FLOOD_METHODS: ReadonlySet<string> = new Set(['sendmessage', 'senddocument']);

/**
 * Sliding-window flood control like Telegram's: per chat per second, across chats per second,
 * and per group per minute. Only successful sends count.
 */
export class FloodControl {
  private readonly sent = new Map<number, number[]>();
  private all: number[] = [];

  constructor(private readonly limits: FloodLimits) {}

  /** Seconds to wait before a send to `chatId` at `now` (ms) is allowed; undefined if allowed. */
  retryAfter(chatId: number, now: number): number | undefined {
    const chat = this.sent.get(chatId) ?? [];
    const waits = [
      wait(chat, this.limits.perChatPerSecond, 1000, now),
      wait(this.all, this.limits.globalPerSecond, 1000, now),
      chatId < 0 ? wait(chat, this.limits.perGroupPerMinute, 60_000, now) : undefined,
    ].filter((w): w is number => w !== undefined);
    return waits.length === 0 ? undefined : Math.max(...waits);
  }

  /** Counts a successful send. */
  record(chatId: number, now: number): void {
    const keep = (t: number) => now - t < 60_000;
    this.sent.set(chatId, [...(this.sent.get(chatId) ?? []).filter(keep), now]);
    this.all = [...this.all.filter((t) => now - t < 1000), now];
  }
}

function wait(
  times: readonly number[],
  limit: number | undefined,
  windowMs: number,
  now: number,
): number | undefined {
  if (limit === undefined) return undefined;
  const inWindow = times.filter((t) => now - t < windowMs);
  if (inWindow.length < limit) return undefined;
  const oldest = inWindow[inWindow.length - limit] ?? now;
  return Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
}
