import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

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
  /** grammY's keep-alive agent for the API root (its `baseFetchConfig`). */
  readonly agent?: HttpAgent;
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

const agents = {
  http: new HttpAgent({ keepAlive: true }),
  https: new HttpsAgent({ keepAlive: true }),
};

/** The error a request ends with when its signal aborts it, named as `fetch` names it. */
function abortError(): Error {
  const error = new Error('The Bot API request was aborted.');
  error.name = 'AbortError';
  return error;
}

/** The response body, decompressed if the server compressed it anyway (nothing asks it to). */
function decoded(response: IncomingMessage): Readable {
  switch (response.headers['content-encoding']?.trim().toLowerCase() ?? 'identity') {
    case 'gzip':
    case 'x-gzip':
      return response.pipe(createGunzip());
    case 'deflate':
      return response.pipe(createInflate());
    case 'br':
      return response.pipe(createBrotliDecompress());
    default:
      return response;
  }
}

/**
 * A lean `fetch` for grammY's API client, on Node's own `http`/`https` with keep-alive sockets.
 *
 * grammY's default on Node is `node-fetch`, which wraps every call in WHATWG `Request`, `Headers`
 * and `Response` objects and an event-target polyfill: on this bot's busiest path (a button is
 * an edit and a callback answer), that wrapping cost more CPU than the request itself. This
 * client does only what grammY uses: it sends the method, headers and body (a JSON string, or
 * the multipart stream of a file upload), honours the abort signal (grammY's timeouts and the
 * runner's stop), and answers with the status and the body, read whole. Network errors and
 * aborts reject, as `fetch` does; grammY turns both into an `HttpError`.
 */
export function botApiFetch(url: string | URL, init: BotApiRequest = {}): Promise<BotApiResponse> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const secure = target.protocol === 'https:';
  if (!secure && target.protocol !== 'http:') {
    return Promise.reject(
      new TypeError(`Only http and https are supported, not ${target.protocol}`),
    );
  }
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError());
  const body = init.body ?? undefined;
  const headers: Record<string, string | number> = { ...init.headers };
  if (typeof body === 'string') headers['content-length'] = Buffer.byteLength(body);
  else if (body instanceof Uint8Array) headers['content-length'] = body.byteLength;

  return new Promise<BotApiResponse>((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      finish();
    };
    const fail = (error: Error): void => settle(() => reject(error));
    const onAbort = (): void => {
      const error = abortError();
      request.destroy(error);
      fail(error);
    };
    const request = (secure ? httpsRequest : httpRequest)(target, {
      method: init.method ?? 'GET',
      headers,
      agent: init.agent ?? (secure ? agents.https : agents.http),
    });
    signal?.addEventListener('abort', onAbort);
    request.once('error', fail);
    request.once('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const stream = decoded(response);
      stream.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > maxResponseBytes) {
          request.destroy();
          fail(new Error(`The Bot API answer exceeded ${maxResponseBytes} bytes.`));
          return;
        }
        chunks.push(chunk);
      });
      stream.once('error', fail);
      response.once('close', () => {
        if (!response.complete) fail(new Error('The Bot API connection closed mid-answer.'));
      });
      stream.once('end', () => {
        const status = response.statusCode ?? 0;
        const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
        const text = raw.toString('utf8');
        settle(() =>
          resolve({
            ok: status >= 200 && status < 300,
            status,
            text: () => Promise.resolve(text),
            json: () => new Promise((done) => done(JSON.parse(text))),
          }),
        );
      });
    });
    if (body instanceof Readable) {
      body.once('error', (error) => request.destroy(error));
      body.pipe(request);
    } else {
      request.end(body);
    }
  });
}

/**
 * grammY's client options for a Bot API root, with {@link botApiFetch}. (grammY types its
 * `fetch` option as the full WHATWG `fetch`, of which it calls only the part above.)
 */
export function botApiClient(apiRoot: string): { apiRoot: string; fetch: typeof fetch } {
  return { apiRoot, fetch: botApiFetch as unknown as typeof fetch };
}
