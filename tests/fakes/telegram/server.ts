import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { BotCommand, Update, UserFromGetMe } from 'grammy/types';
import { CallLog } from './call-log.js';
import { FaultBook } from './faults.js';
import { FLOOD_METHODS, FloodControl } from './flood.js';
import { runMethod } from './methods.js';
import { intParam, jsonParam } from './params.js';
import { UpdateQueue, type PollAnswer } from './polling.js';
import { readParams } from './request.js';
import type {
  ApiErrorShape,
  ApiResponse,
  CallOutcome,
  FakeChat,
  FakeTelegram,
  FakeTelegramOptions,
  FakeUser,
  FaultDecider,
  MemberStatus,
  RecordedCall,
  SentMessage,
} from './types.js';
import { botStatusChange, buttonPress, textMessage } from './updates.js';
import { botInfoFor, snapshot, World } from './world.js';

export type * from './types.js';
export { parseTelegramHtml, type HtmlParseResult } from './html.js';

const DEFAULT_TOKEN = '123456:TEST-TOKEN';
const CONFLICT_POLL =
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';
const CONFLICT_WEBHOOK =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

type Params = Record<string, unknown>;

const errorResponse = (e: ApiErrorShape): ApiResponse => ({ ok: false, ...e });

/**
 * Starts a fake Telegram Bot API server on 127.0.0.1 (random port) that behaves like the real one
 * for the methods this project uses: real long polling, Telegram's validation and error strings,
 * fault injection and flood control. See {@link FakeTelegram} for the controls.
 */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const fake = new FakeTelegramServer(options);
  await fake.listen();
  return fake;
}

class FakeTelegramServer implements FakeTelegram {
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  private readonly world: World;
  private readonly queue = new UpdateQueue();
  private readonly flood: FloodControl | undefined;
  private readonly server: Server;
  private readonly faults = new FaultBook();
  private readonly log: CallLog;
  private port = 0;
  private connections = 0;

  constructor(options: FakeTelegramOptions) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.botInfo = botInfoFor(this.token, options.botUsername ?? 'optout_test_bot');
    this.world = new World(this.botInfo);
    this.flood = options.limits === undefined ? undefined : new FloodControl(options.limits);
    this.log = new CallLog(options.keepCalls ?? true);
    this.server = createServer((req, res) => {
      const receivedAt = performance.now();
      this.handle(req, res, receivedAt).catch((error: unknown) => {
        const description = `Internal Server Error: fake Telegram crashed: ${String(error)}`;
        this.finish(
          res,
          'internal',
          {},
          'violation',
          errorResponse({ error_code: 500, description }),
          receivedAt,
        );
      });
    });
    this.server.on('connection', () => {
      this.connections += 1;
    });
  }

  get calls(): readonly RecordedCall[] {
    return this.log.calls;
  }

  get violations(): readonly RecordedCall[] {
    return this.log.violations;
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pollPending(): boolean {
    return this.queue.pollPending;
  }

  get connectionsOpened(): number {
    return this.connections;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    receivedAt: number,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parsed = await readParams(req, url);
    const route = /^\/bot([^/]+)\/([^/]+)$/.exec(url.pathname);
    const method = route?.[2]?.toLowerCase() ?? url.pathname;
    const params = parsed.type === 'ok' ? parsed.params : {};
    const fail = (outcome: CallOutcome, error: ApiErrorShape) =>
      this.finish(res, method, params, outcome, errorResponse(error), receivedAt);
    if (route === undefined || route === null) {
      return fail('violation', { error_code: 404, description: 'Not Found' });
    }
    if (decodeURIComponent(route[1] ?? '') !== this.token) {
      return fail('violation', { error_code: 401, description: 'Unauthorized' });
    }
    if (parsed.type === 'error') {
      return fail('violation', { error_code: parsed.status, description: parsed.description });
    }
    const fault = this.faults.take(method, params);
    if (fault !== undefined) return fail('fault', fault);
    if (method === 'getupdates') return this.getUpdates(res, params, receivedAt);
    const chatId = intParam(params, 'chat_id');
    const retryAfter =
      this.flood !== undefined && chatId !== undefined && FLOOD_METHODS.has(method)
        ? this.flood.retryAfter(chatId, Date.now())
        : undefined;
    if (retryAfter !== undefined) {
      const description = `Too Many Requests: retry after ${retryAfter}`;
      return fail('violation', {
        error_code: 429,
        description,
        parameters: { retry_after: retryAfter },
      });
    }
    const outcome = runMethod(method, this.world, params, this.queue);
    switch (outcome.type) {
      case 'ok':
        if (chatId !== undefined && FLOOD_METHODS.has(method))
          this.flood?.record(chatId, Date.now());
        return this.finish(
          res,
          method,
          params,
          'ok',
          { ok: true, result: outcome.result },
          receivedAt,
        );
      case 'refused':
      case 'violation':
        return fail(outcome.type, outcome.error);
      case 'unknown':
        return fail('violation', { error_code: 404, description: 'Not Found' });
      default: {
        const unhandled: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private getUpdates(res: ServerResponse, params: Params, receivedAt: number): void {
    if (this.world.webhook.url !== '') {
      const error = { error_code: 409, description: CONFLICT_WEBHOOK };
      return this.finish(res, 'getupdates', params, 'refused', errorResponse(error), receivedAt);
    }
    const allowed = jsonParam(params, 'allowed_updates');
    if (allowed.type === 'value' && Array.isArray(allowed.value)) {
      this.queue.setAllowed(allowed.value.filter((t): t is string => typeof t === 'string'));
    }
    const request = {
      offset: intParam(params, 'offset') ?? 0,
      limit: Math.min(100, Math.max(1, intParam(params, 'limit') ?? 100)),
      timeoutSeconds: Math.max(0, intParam(params, 'timeout') ?? 0),
    };
    const answer = (a: PollAnswer): void => {
      if (res.destroyed) return; // the client aborted (e.g. bot.stop()); nobody gets this answer
      if (a.type === 'conflict') {
        const error = { error_code: 409, description: CONFLICT_POLL };
        return this.finish(res, 'getupdates', params, 'refused', errorResponse(error), receivedAt);
      }
      this.finish(res, 'getupdates', params, 'ok', { ok: true, result: a.updates }, receivedAt);
    };
    const cancel = this.queue.poll(request, answer);
    res.on('close', () => {
      if (!res.writableEnded) cancel();
    });
  }

  private finish(
    res: ServerResponse,
    method: string,
    params: Params,
    outcome: CallOutcome,
    response: ApiResponse,
    receivedAt: number,
  ): void {
    let answeredAt = performance.now();
    if (!res.headersSent && !res.destroyed) {
      const body = JSON.stringify(response);
      const code = response.ok ? 200 : response.error_code;
      res.writeHead(code >= 100 && code <= 599 ? code : 500, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      // Read just before the write, not after it: the write wakes the client, and on a machine
      // with few cores the scheduler may run the client before this process resumes, so a
      // clock read after `end` could come later than the client's next request.
      answeredAt = performance.now();
      res.end(body);
    }
    this.log.record({ method, params, response, outcome, at: Date.now(), receivedAt, answeredAt });
  }

  user(u: { id: number; firstName: string; languageCode?: string; username?: string }): FakeUser {
    return this.world.addUser(u);
  }

  group(g: { id: number; title: string; type?: 'group' | 'supergroup' }): FakeChat {
    return this.world.addGroup(g);
  }

  sendText(from: FakeUser, text: string, chat?: FakeChat): Update {
    return this.queue.push(textMessage(this.world, from, text, chat));
  }

  press(
    from: FakeUser,
    message: Pick<SentMessage, 'chat_id' | 'message_id'>,
    callbackData: string,
    opts: { forge?: boolean } = {},
  ): Update {
    const body = buttonPress(this.world, from, message, callbackData, opts.forge === true);
    return this.queue.push(body);
  }

  inject(update: Omit<Update, 'update_id'>): Update {
    const body: Partial<Update> = { ...update };
    delete body.update_id;
    return this.queue.push(body);
  }

  block(user: FakeUser): void {
    const record = this.world.userRecord(user);
    if (record.blocked) return;
    record.blocked = true;
    this.queue.push(botStatusChange(this.world, user, 'member', 'kicked'));
  }

  markStarted(user: FakeUser): void {
    this.world.userRecord(user).started = true;
  }

  unblock(user: FakeUser): void {
    const record = this.world.userRecord(user);
    if (!record.blocked) return;
    record.blocked = false;
    this.queue.push(botStatusChange(this.world, user, 'kicked', 'member'));
  }

  messages(chatId: number): SentMessage[] {
    const chat = this.world.chats.get(chatId);
    if (chat === undefined) return [];
    return [...chat.botMessages.values()]
      .sort((a, b) => a.messageId - b.messageId)
      .map((m) => snapshot(m, chat, this.botInfo));
  }

  lastMessage(chatId: number): SentMessage | undefined {
    const chat = this.world.chats.get(chatId);
    if (chat === undefined) return undefined;
    // Only the newest is snapshotted: tests call this in loops over long conversations.
    let last: (typeof chat.botMessages extends Map<number, infer M> ? M : never) | undefined;
    for (const m of chat.botMessages.values()) if (!last || m.messageId > last.messageId) last = m;
    return last && snapshot(last, chat, this.botInfo);
  }

  fault(method: string, response: ApiErrorShape, times = 1): void {
    this.faults.add(method, response, times);
  }

  faultWhen(method: string, decide: FaultDecider): void {
    this.faults.addDecider(method, decide);
  }

  onCall(listener: (c: RecordedCall) => void): () => void {
    return this.log.onCall(listener);
  }

  waitFor(
    predicate: (c: RecordedCall) => boolean,
    timeoutMs = 5000,
    fromIndex = 0,
  ): Promise<RecordedCall> {
    return this.log.waitFor(predicate, timeoutMs, fromIndex);
  }

  waitForPoll(timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`waitForPoll: no getUpdates long poll held within ${timeoutMs} ms`));
      }, timeoutMs);
      const stop = this.queue.onPollHeld(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  callbackAnswers(): Map<string, boolean> {
    return new Map(this.world.callbackQueries);
  }

  commands(scope = 'default', languageCode = ''): BotCommand[] {
    return structuredClone(this.world.commands.get(`${scope}|${languageCode}`) ?? []);
  }

  setChatMemberStatus(chatId: number, userId: number, status: MemberStatus): void {
    this.world.chatRecord(chatId).members.set(userId, status);
  }

  async close(): Promise<void> {
    this.queue.endHeldPoll();
    this.log.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
