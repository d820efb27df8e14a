import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { type Api, HttpError, InputFile, type Transformer } from 'grammy';
import type { ApiResponse } from 'grammy/types';
import { Agent, type Dispatcher } from 'undici';

/** The part of an `AbortSignal` this client uses (grammY passes its own polyfill's signals). */
interface SignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** What grammY passes to `fetch`: a JSON string, or a multipart stream for file uploads. */
export interface BotApiRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array | Readable | null;
  readonly signal?: SignalLike | null;
}

/** The part of a `fetch` `Response` grammY reads: it calls `json()`. */
export interface BotApiResponse {
  readonly ok: boolean;
  readonly status: number;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** A Bot API answer larger than this is refused (`getUpdates` answers are far below). */
export const maxResponseBytes = 64 * 1024 * 1024;

/**
 * The most connections open to the Bot API at once (the long poll holds one); calls beyond wait
 * for one to be free, in order. Without a limit, every call that finds all connections busy opens
 * a new one: when the bot falls behind in a burst, each update's two calls go out together and
 * the bot opened 544 connections in a minute at 500 updates/s on loopback (174 in one second),
 * each costing both ends CPU exactly when the bot has none to spare (and a TLS handshake against
 * Telegram). At a round trip of 100 ms, 32 connections carry about 300 calls a second, well above
 * the 30 messages a second or so that Telegram lets a bot send in bulk.
 */
export const maxConnections = 32;

/**
 * The process's keep-alive connections to the Bot API, on undici (Node's own HTTP/1.1 client,
 * the one under its `fetch`), used directly: a call cost about 40 % less client CPU than on
 * `node:http` with its `ClientRequest`/`IncomingMessage` streams (loopback micro-benchmark). It
 * is the copy discord.js loads, so a bot on both platforms carries one. Timeouts are set per call (see
 * {@link botApiTransport}); uploads keep grammY's own. At most {@link maxConnections} connections.
 */
const dispatcher = new Agent({
  headersTimeout: 0,
  bodyTimeout: 0,
  maxResponseSize: maxResponseBytes,
  connections: maxConnections,
});

/** The error a call ends with when its signal aborts it, named as `fetch` names it. */
function abortError(): Error {
  const error = new Error('The Bot API request was aborted.');
  error.name = 'AbortError';
  return error;
}

/** Reads a body compressed with `encoding` (nothing asks the server to compress; some proxies do). */
async function decompressed(body: Readable, encoding: string): Promise<string> {
  const decoder =
    encoding === 'br'
      ? createBrotliDecompress()
      : encoding === 'deflate'
        ? createInflate()
        : createGunzip();
  const chunks: Buffer[] = [];
  let size = 0;
  await pipeline(body, decoder, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > maxResponseBytes) {
        throw new Error(`The Bot API answer exceeded ${maxResponseBytes} bytes.`);
      }
      chunks.push(chunk);
    }
  });
  return Buffer.concat(chunks).toString('utf8');
}

const compressions = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

interface Exchange {
  readonly origin: string;
  /** The path and query, e.g. `/bot<token>/sendMessage`. */
  readonly path: string;
  readonly method: Dispatcher.HttpMethod;
  readonly headers: Readonly<Record<string, string>> | undefined;
  readonly body: string | Uint8Array | Readable | null | undefined;
  readonly signal: SignalLike | null | undefined;
  /** Fails the call when the answer's headers, or a gap in its body, take longer than this. */
  readonly timeoutMs?: number;
}

/**
 * Sends one request and reads its answer whole: the status and the body as text. Rejects on a
 * network error, a timeout, an answer cut short or too large, and with an `AbortError` when the
 * signal aborts it (the connection is then closed: HTTP/1.1 cannot cancel a request otherwise).
 */
async function exchange(call: Exchange): Promise<{ status: number; text: string }> {
  const { signal } = call;
  if (signal?.aborted) throw abortError();
  try {
    const options: Dispatcher.RequestOptions = {
      origin: call.origin,
      path: call.path,
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal,
    };
    if (call.timeoutMs !== undefined) {
      options.headersTimeout = call.timeoutMs;
      options.bodyTimeout = call.timeoutMs;
    }
    const answer = await dispatcher.request(options);
    const encoding = answer.headers['content-encoding'];
    const coding = typeof encoding === 'string' ? encoding.trim().toLowerCase() : 'identity';
    const text = compressions.has(coding)
      ? await decompressed(answer.body, coding)
      : await answer.body.text();
    return { status: answer.statusCode, text };
  } catch (error) {
    throw signal?.aborted ? abortError() : error;
  }
}

/** The two methods the Bot API takes. */
const isBotApiMethod = (method: string): method is 'GET' | 'POST' =>
  method === 'GET' || method === 'POST';

/** Where a URL's requests go, for {@link exchange}. */
function destination(url: URL): { origin: string; path: string } {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`Only http and https are supported, not ${url.protocol}`);
  }
  return { origin: url.origin, path: url.pathname + url.search };
}

/**
 * A lean `fetch` for grammY's own call path, which this bot uses only for file uploads (the data
 * export): it sends the method, headers and body (the multipart stream grammY builds), honours
 * the abort signal (grammY's timeout and the runner's stop) and answers with the status and the
 * body, read whole. Network errors and aborts reject, as `fetch` does; grammY turns both into an
 * `HttpError`.
 */
export async function botApiFetch(
  url: string | URL,
  init: BotApiRequest = {},
): Promise<BotApiResponse> {
  const method = (init.method ?? 'GET').toUpperCase();
  if (!isBotApiMethod(method)) throw new TypeError(`The Bot API takes GET and POST, not ${method}`);
  const { status, text } = await exchange({
    ...destination(typeof url === 'string' ? new URL(url) : url),
    method,
    headers: init.headers,
    body: init.body,
    signal: init.signal,
  });
  return {
    ok: status >= 200 && status < 300,
    status,
    text: () => Promise.resolve(text),
    json: () => new Promise((done) => done(JSON.parse(text))),
  };
}

/** Whether a payload carries a file, which only grammY's multipart path can send. */
function carriesFile(value: unknown): boolean {
  if (value instanceof InputFile) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some((entry) => carriesFile(entry));
}

/** grammY's JSON encoding of a payload: `null` fields are left out, as `undefined` ones are. */
const withoutNulls = (_key: string, value: unknown): unknown => value ?? undefined;

const jsonHeaders = { 'content-type': 'application/json' } as const;

export interface BotApiClientOptions {
  /** The Bot API root, e.g. `https://api.telegram.org`, without a trailing slash. */
  readonly apiRoot: string;
  /** A call without an answer for this long fails (grammY's `timeoutSeconds`). */
  readonly timeoutSeconds: number;
}

/**
 * grammY's `ApiClientOptions` for this client: its root, its timeout and {@link botApiFetch}.
 * (grammY types the `fetch` option as the whole WHATWG `fetch`, of which it calls only the part
 * `botApiFetch` implements.)
 */
export function botApiClient(options: BotApiClientOptions): {
  apiRoot: string;
  timeoutSeconds: number;
  fetch: typeof fetch;
} {
  return { ...options, fetch: botApiFetch as unknown as typeof fetch };
}

/**
 * A grammY transformer that sends every JSON call itself instead of passing it on to grammY's
 * client, and returns the Bot API's answer as grammY would (`{ ok, result }` or `{ ok: false,
 * error_code, ... }`, whatever the HTTP status). It does what grammY's client does for such a
 * call, minus what it pays per call for generality (a polyfilled `AbortController`, a timer and
 * a three-way race, WHATWG-shaped responses), about a quarter of a call's client CPU in a
 * micro-benchmark; a click is three calls (the poll that brings it, the callback answer, the
 * edit). Calls that carry a file go on to grammY's path.
 * Failures become grammY's `HttpError`, as grammY's client makes them, so that auto-retry and
 * the adapter's error handling see what they would see without it.
 */
export function botApiTransport(
  options: BotApiClientOptions & { readonly token: string },
): Transformer {
  const { origin, path } = destination(new URL(`${options.apiRoot}/bot${options.token}/`));
  const timeoutMs = options.timeoutSeconds * 1000;
  return async (prev, method, payload, signal) => {
    if (carriesFile(payload)) return prev(method, payload, signal);
    try {
      const { text } = await exchange({
        origin,
        path: path + method,
        method: 'POST',
        headers: jsonHeaders,
        body: JSON.stringify(payload ?? {}, withoutNulls),
        signal,
        timeoutMs,
      });
      // What grammY's client returns for the call: the Bot API's answer as it came.
      const answer: unknown = JSON.parse(text);
      return answer as ApiResponse<never>;
    } catch (error) {
      throw new HttpError(`Network request for '${method}' failed!`, error);
    }
  };
}

/**
 * Makes {@link botApiTransport} send `api`'s JSON calls. It must be the first transformer an API
 * gets, so that every other one (auto-retry, the adapter's own) wraps it and sees each attempt.
 */
export function useBotApiTransport(api: Api, options: BotApiClientOptions): void {
  if (api.config.installedTransformers().length > 0) {
    throw new Error('The Bot API transport must be the first transformer installed.');
  }
  api.config.use(botApiTransport({ ...options, token: api.token }));
}
