import type { InlineKeyboardButton } from 'grammy/types';
import type { FakeTelegram, FakeUser, RecordedCall } from '../../tests/fakes/telegram/server.js';
import { sleep } from './proc.js';

/**
 * Simulated users clicking through the X/Grok walkthrough against a fake Bot API, and the
 * latency of every update: from the moment the fake wrote the `getUpdates` answer carrying it
 * to the moment the answering call arrived at the fake (both read on the fake's own clock, so
 * the bot's clock plays no part).
 */

/** What the users do, step after step. */
export type Script =
  /** Users who completed the guide: /grok_optout, Start over, then ✅ Done four times; again. */
  | 'cycle'
  /** Users new to the guide: /grok_optout, then ✅ Done four times; each user once. */
  | 'once';

/** The steps of each script, as named in the reports. */
export const scriptSteps: Record<Script, readonly string[]> = {
  cycle: ['open', 'restart', 'done 1', 'done 2', 'done 3', 'done 4'],
  once: ['open', 'done 1', 'done 2', 'done 3', 'done 4'],
};

/** Forged callback data for bots without our buttons (the floor), the same bytes as ours. */
const forgedData: Record<string, string> = {
  restart: '1:r:x-grok:1',
  'done 1': '1:s:x-grok:1:0:d',
  'done 2': '1:s:x-grok:1:1:d',
  'done 3': '1:s:x-grok:1:2:d',
  'done 4': '1:s:x-grok:1:3:d',
};

/** One update and what became of it. Times are `performance.now()` of this process. */
export interface UpdateRecord {
  readonly updateId: number;
  readonly userId: number;
  readonly step: string;
  readonly phase: string;
  readonly injectedAt: number;
  /** When the `getUpdates` answer carrying it was written. */
  leftAt?: number;
  /** When the first call answering it arrived (for a button: the edit or the callback answer). */
  firstAt?: number;
  /** When the call showing the answer arrived (`sendMessage` or `editMessageText`). */
  screenAt?: number;
  /** Set when the answer was not the expected one. */
  error?: string;
}

interface SimUser {
  readonly fake: FakeUser;
  position: number;
  /** The bot's last message to the user and its buttons. */
  screen?: { messageId: number; buttons: InlineKeyboardButton[] };
  pending?: UpdateRecord;
  readyAt: number;
  retired: boolean;
}

/** Options of a {@link LoadDriver}. */
export interface LoadOptions {
  readonly script: Script;
  /** Press forged buttons with our callback data (for bots that show no buttons). */
  readonly forged: boolean;
  /** The call that shows the answer to a button press. */
  readonly pressAnswer: 'editmessagetext' | 'sendmessage';
  /** How long a user reads before their next click, after the bot answered. */
  readonly thinkMs: number;
}

/** What one phase of load produced. */
export interface PhaseOutcome {
  readonly records: readonly UpdateRecord[];
  /** Updates offered after the warm-up (the measured ones). */
  readonly measured: readonly UpdateRecord[];
  /** Updates that should have been offered but no simulated user was free (a workload limit). */
  readonly starved: number;
  /** Measured updates never answered within the drain time. */
  readonly dropped: number;
  /** Measured updates answered with something else than the walkthrough expected. */
  readonly errors: number;
}

/** Drives simulated users against one fake Bot API. */
export class LoadDriver {
  private readonly users = new Map<number, SimUser>();
  /** Users who have not clicked yet, taken only when nobody already clicking is free. */
  private readonly untouched: SimUser[] = [];
  /** Users the bot answered, in the order they become free (each `thinkMs` after an answer). */
  private readonly ready: SimUser[] = [];
  private readonly byUpdate = new Map<number, UpdateRecord>();
  private readonly byQuery = new Map<string, UpdateRecord>();
  /** When updates not yet recorded left (the fake answers a held poll inside `sendText`). */
  private readonly leftEarly = new Map<number, number>();
  private readonly unsubscribe: () => void;
  private pendingCount = 0;
  private phase = '';
  /** Calls are observed only while a phase runs (several drivers may share one fake). */
  private active = false;

  constructor(
    private readonly fake: FakeTelegram,
    userIds: readonly number[],
    private readonly options: LoadOptions,
  ) {
    for (const id of userIds) {
      const user: SimUser = {
        fake: fake.user({ id, firstName: 'Reader', languageCode: 'en' }),
        position: 0,
        readyAt: 0,
        retired: false,
      };
      this.users.set(id, user);
      this.untouched.push(user);
    }
    this.unsubscribe = fake.onCall((call) => this.observe(call));
  }

  /** Users that have not retired (`once` users retire after their walkthrough). */
  get available(): number {
    return [...this.users.values()].filter((u) => !u.retired).length;
  }

  /**
   * Offers updates at `rate` per second, evenly spaced, for `durationMs`, then waits up to
   * `drainMs` for the answers. Updates offered during the first `warmupMs` are not measured.
   */
  async run(phase: {
    readonly name: string;
    readonly rate: number;
    readonly durationMs: number;
    readonly warmupMs: number;
    readonly drainMs: number;
  }): Promise<PhaseOutcome> {
    this.phase = phase.name;
    this.active = true;
    const records: UpdateRecord[] = [];
    let starved = 0;
    const start = performance.now();
    let offered = 0;
    for (;;) {
      const elapsed = performance.now() - start;
      if (elapsed >= phase.durationMs) break;
      const due = Math.floor((elapsed * phase.rate) / 1000);
      while (offered < due) {
        offered += 1;
        const record = this.next(start + phase.warmupMs);
        if (record === undefined) starved += 1;
        else records.push(record);
      }
      await sleep(1);
    }
    const deadline = performance.now() + phase.drainMs;
    while (this.pendingCount > 0 && performance.now() < deadline) await sleep(5);
    this.active = false;
    this.leftEarly.clear();
    const measured = records.filter((r) => r.injectedAt >= start + phase.warmupMs);
    return {
      records,
      measured,
      starved,
      dropped: measured.filter((r) => r.screenAt === undefined).length,
      errors: measured.filter((r) => r.error !== undefined).length,
    };
  }

  /** Stops observing the fake; users still waiting are forgotten. */
  close(): void {
    this.unsubscribe();
  }

  /** The next update of the first free user, or undefined when nobody is free. */
  private next(measuredFrom: number): UpdateRecord | undefined {
    const now = performance.now();
    // Users become free in the order they were answered, each `thinkMs` later: a queue. A new
    // user starts only when all those already clicking are reading (as in a real community).
    const head = this.ready[0];
    const user =
      head !== undefined && head.readyAt <= now ? this.ready.shift() : this.untouched.shift();
    if (user === undefined) return undefined;
    const steps = scriptSteps[this.options.script];
    const step = steps[user.position] ?? 'open';
    let updateId: number;
    let queryId: string | undefined;
    if (step === 'open' || user.screen === undefined) {
      user.position = 0;
      updateId = this.fake.sendText(user.fake, '/grok_optout').update_id;
    } else {
      const data = this.options.forged ? forgedData[step] : this.buttonFor(user, step);
      if (data === undefined) {
        // The bot did not show the button the script expected: start the walkthrough again.
        user.position = 0;
        updateId = this.fake.sendText(user.fake, '/grok_optout').update_id;
      } else {
        const update = this.fake.press(
          user.fake,
          { chat_id: user.fake.id, message_id: user.screen.messageId },
          data,
          { forge: this.options.forged },
        );
        updateId = update.update_id;
        queryId = update.callback_query?.id;
      }
    }
    const record: UpdateRecord = {
      updateId,
      userId: user.fake.id,
      step: steps[user.position] ?? 'open',
      phase: now >= measuredFrom ? this.phase : `${this.phase} (warm-up)`,
      injectedAt: now,
    };
    const left = this.leftEarly.get(updateId);
    if (left !== undefined) {
      record.leftAt = left;
      this.leftEarly.delete(updateId);
    }
    this.byUpdate.set(updateId, record);
    if (queryId !== undefined) this.byQuery.set(queryId, record);
    user.pending = record;
    this.pendingCount += 1;
    return record;
  }

  private buttonFor(user: SimUser, step: string): string | undefined {
    const label = step === 'restart' ? 'Start over' : '✅ Done';
    const button = user.screen?.buttons.find((b) => b.text === label);
    return button !== undefined && 'callback_data' in button ? button.callback_data : undefined;
  }

  private observe(call: RecordedCall): void {
    if (!this.active) return;
    if (call.method === 'getupdates') {
      if (!call.response.ok || !Array.isArray(call.response.result)) return;
      for (const update of call.response.result as { update_id: number }[]) {
        const record = this.byUpdate.get(update.update_id);
        if (record === undefined) this.leftEarly.set(update.update_id, call.answeredAt);
        else record.leftAt ??= call.answeredAt;
      }
      return;
    }
    if (call.method === 'answercallbackquery') {
      const record = this.byQuery.get(String(call.params['callback_query_id']));
      if (record !== undefined && record.firstAt === undefined) record.firstAt = call.receivedAt;
      return;
    }
    if (call.method !== 'sendmessage' && call.method !== 'editmessagetext') return;
    const user = this.users.get(Number(call.params['chat_id']));
    const record = user?.pending;
    if (user === undefined || record === undefined) return;
    record.firstAt ??= call.receivedAt;
    record.screenAt = call.receivedAt;
    const expected = record.step === 'open' ? 'sendmessage' : this.options.pressAnswer;
    if (!call.response.ok) record.error = `${call.method}: ${call.response.description}`;
    else if (call.method !== expected) record.error = `${call.method} instead of ${expected}`;
    const result = call.response.ok ? (call.response.result as { message_id?: number }) : {};
    const messageId = Number(call.params['message_id'] ?? result.message_id);
    const markup = call.params['reply_markup'] as
      { inline_keyboard?: InlineKeyboardButton[][] } | undefined;
    user.screen = { messageId, buttons: markup?.inline_keyboard?.flat() ?? [] };
    user.pending = undefined;
    this.pendingCount -= 1;
    this.byUpdate.delete(record.updateId);
    const steps = scriptSteps[this.options.script];
    user.position = (user.position + 1) % steps.length;
    if (this.options.script === 'once' && user.position === 0) {
      user.retired = true;
      return;
    }
    user.readyAt = performance.now() + this.options.thinkMs;
    this.ready.push(user);
  }
}

/** Screen latencies (ms) of answered records: update leaving the fake → answer arriving. */
export const screenLatencies = (records: readonly UpdateRecord[]): number[] =>
  records.flatMap((r) =>
    r.leftAt !== undefined && r.screenAt !== undefined ? [r.screenAt - r.leftAt] : [],
  );

/** First-call latencies (ms): update leaving the fake → the first call answering it. */
export const firstLatencies = (records: readonly UpdateRecord[]): number[] =>
  records.flatMap((r) =>
    r.leftAt !== undefined && r.firstAt !== undefined ? [r.firstAt - r.leftAt] : [],
  );
