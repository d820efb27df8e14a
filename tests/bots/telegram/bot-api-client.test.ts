import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { autoRetry } from '@grammyjs/auto-retry';
import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import {
  botApiClient,
  botApiFetch,
  maxConnections,
  useBotApiTransport,
} from '../../../src/bots/telegram/bot-api-client.js';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly socket: Socket;
}

/** A local HTTP server on 127.0.0.1 that records requests and answers with `answer`. */
async function serve(
  answer: (request: Received, response: ServerResponse) => void,
): Promise<{ url: string; received: Received[]; connections: Set<Socket>; server: Server }> {
  const received: Received[] = [];
  const connections = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        socket: request.socket,
      };
      received.push(entry);
      answer(entry, response);
    });
  });
  server.on('connection', (socket) => connections.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, connections, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const json = (response: ServerResponse, status: number, value: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
};

describe('botApiFetch', () => {
  it('posts a JSON body with its length and reads the JSON answer, keeping connections open', async () => {
    const api = await serve((_, response) => json(response, 200, { ok: true, result: 'é' }));
    const call = () =>
      botApiFetch(`${api.url}/bot1:x/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: 1, text: 'héllo' }),
      });
    const first = await call();
    expect(first.ok).toBe(true);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, result: 'é' });
    for (let i = 0; i < 9; i += 1) await call();
    expect(api.received).toHaveLength(10);
    expect(api.received[0]).toMatchObject({
      method: 'POST',
      url: '/bot1:x/sendMessage',
      body: '{"chat_id":1,"text":"héllo"}',
    });
    expect(api.received[0]?.headers['content-length']).toBe(
      String(Buffer.byteLength('{"chat_id":1,"text":"héllo"}')),
    );
    // Keep-alive: ten calls in a row share one or two connections (the pool may open a second
    // one when a call is sent before the previous call's connection is marked free).
    expect(api.connections.size).toBeLessThanOrEqual(2);
  });

  it('streams a multipart body (a file upload) as it comes', async () => {
    const api = await serve((_, response) => json(response, 200, { ok: true, result: true }));
    const parts = [
      '--b\r\n',
      'content-disposition: form-data; name="document"\r\n\r\n',
      '{}\r\n--b--',
    ];
    const answer = await botApiFetch(`${api.url}/bot1:x/sendDocument`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      body: Readable.from(parts),
    });
    expect(await answer.json()).toEqual({ ok: true, result: true });
    expect(api.received[0]?.body).toBe(parts.join(''));
    expect(api.received[0]?.headers['transfer-encoding']).toBe('chunked');
  });

  it('reports an error status and a body that is not JSON as fetch does', async () => {
    const api = await serve((_, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>Bad Gateway</html>');
    });
    const answer = await botApiFetch(`${api.url}/bot1:x/getMe`, { method: 'POST' });
    expect(answer.ok).toBe(false);
    expect(answer.status).toBe(502);
    expect(await answer.text()).toBe('<html>Bad Gateway</html>');
    await expect(answer.json()).rejects.toThrow(SyntaxError);
  });

  it('decodes a gzip answer', async () => {
    const api = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync(JSON.stringify({ ok: true, result: [1, 2, 3] })));
    });
    const answer = await botApiFetch(`${api.url}/bot1:x/getUpdates`, { method: 'POST' });
    expect(await answer.json()).toEqual({ ok: true, result: [1, 2, 3] });
  });

  it('aborts a request in flight (a long poll being stopped) and closes its connection', async () => {
    const api = await serve(() => undefined); // never answers, like a long poll
    const controller = new AbortController();
    const pending = botApiFetch(`${api.url}/bot1:x/getUpdates`, {
      method: 'POST',
      body: '{"timeout":30}',
      signal: controller.signal,
    });
    const settled = pending.then(
      () => 'resolved',
      (error: Error) => error.name,
    );
    // Abort only once the server has the request.
    for (let i = 0; i < 200 && api.received.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(api.received).toHaveLength(1);
    const socket = api.received[0]?.socket;
    const closed = new Promise((resolve) => socket?.once('close', resolve));
    controller.abort();
    expect(await settled).toBe('AbortError');
    await closed;
    expect(socket?.destroyed).toBe(true);
  });

  it('does not send a request whose signal is already aborted', async () => {
    const api = await serve((_, response) => json(response, 200, { ok: true, result: true }));
    const controller = new AbortController();
    controller.abort();
    await expect(
      botApiFetch(`${api.url}/bot1:x/getMe`, { method: 'POST', signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(api.connections.size).toBe(0);
  });

  it('rejects when the server closes the connection mid-answer', async () => {
    const api = await serve((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"ok":tr');
      setTimeout(() => request.socket.destroy(), 10);
    });
    await expect(
      botApiFetch(`${api.url}/bot1:x/getUpdates`, { method: 'POST', body: '{}' }),
    ).rejects.toThrow();
  });

  it('rejects when nothing listens (a network error, which grammY retries)', async () => {
    const api = await serve(() => undefined);
    const url = api.url;
    await new Promise((resolve) => api.server.close(resolve));
    servers.splice(servers.indexOf(api.server), 1);
    await expect(botApiFetch(`${url}/bot1:x/getMe`, { method: 'POST' })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('refuses an address that is not http or https', async () => {
    await expect(botApiFetch('file:///etc/passwd')).rejects.toThrow(/Only http and https/);
  });

  it('refuses a method the Bot API does not take, before connecting', async () => {
    const api = await serve((_, response) => json(response, 200, { ok: true, result: true }));
    await expect(botApiFetch(`${api.url}/bot1:x/getMe`, { method: 'DELETE' })).rejects.toThrow(
      /GET and POST/,
    );
    expect(api.connections.size).toBe(0);
  });
});

describe('the Bot API transport (grammY JSON calls sent by this client)', () => {
  /** A grammY `Api` on `apiRoot` whose calls go through the transport, as the adapter's do. */
  const apiOn = (apiRoot: string, timeoutSeconds = 30): Api => {
    const client = { apiRoot, timeoutSeconds };
    const api = new Api('1:x', botApiClient(client));
    useBotApiTransport(api, client);
    return api;
  };

  it('posts the method as JSON without null fields and returns its result', async () => {
    const api = await serve((_, response) =>
      json(response, 200, { ok: true, result: { message_id: 7 } }),
    );
    const sent = await apiOn(api.url).raw.sendMessage({
      chat_id: 5,
      text: 'Étape 1',
      reply_markup: null as never,
    });
    expect(sent).toEqual({ message_id: 7 });
    expect(api.received[0]).toMatchObject({
      method: 'POST',
      url: '/bot1:x/sendMessage',
      body: '{"chat_id":5,"text":"Étape 1"}',
    });
    expect(api.received[0]?.headers['content-type']).toBe('application/json');
  });

  it('sends a burst of calls on a bounded number of connections, the rest waiting their turn', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const api = await serve((request, response) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      // Each answer takes a moment, as over a real network: the burst outnumbers the connections.
      setTimeout(() => {
        inFlight -= 1;
        const { text } = JSON.parse(request.body) as { text: string };
        json(response, 200, { ok: true, result: { text } });
      }, 10);
    });
    const client = apiOn(api.url);
    const burst = 3 * maxConnections;
    const answers = await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        client.raw.sendMessage({ chat_id: 5, text: `call ${i}` }),
      ),
    );
    expect(answers.map((a) => (a as unknown as { text: string }).text)).toEqual(
      Array.from({ length: burst }, (_, i) => `call ${i}`),
    );
    expect(api.received).toHaveLength(burst);
    expect(api.connections.size).toBeLessThanOrEqual(maxConnections);
    expect(mostInFlight).toBeLessThanOrEqual(maxConnections);
    // Still calls in parallel, not one after the other.
    expect(mostInFlight).toBeGreaterThan(1);
  });

  it("turns the Bot API's error answer into grammY's GrammyError, whatever the HTTP status", async () => {
    const api = await serve((_, response) =>
      json(response, 403, {
        ok: false,
        error_code: 403,
        description: 'Forbidden: bot was blocked by the user',
      }),
    );
    const failure = await apiOn(api.url)
      .sendMessage(5, 'hi')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GrammyError);
    expect(failure).toMatchObject({ error_code: 403, method: 'sendMessage' });
  });

  it('turns an answer that is not JSON into an HttpError, as grammY does', async () => {
    const api = await serve((_, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>Bad Gateway</html>');
    });
    const failure = await apiOn(api.url)
      .getMe()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HttpError);
    expect((failure as HttpError).message).toBe("Network request for 'getMe' failed!");
    expect((failure as HttpError).error).toBeInstanceOf(SyntaxError);
  });

  it('sends a call that carries a file through grammY as multipart', async () => {
    const api = await serve((_, response) =>
      json(response, 200, { ok: true, result: { message_id: 8 } }),
    );
    const file = new InputFile(Buffer.from('{"language":"fr"}', 'utf8'), 'my-data.json');
    await apiOn(api.url).sendDocument(5, file);
    const request = api.received[0];
    expect(request?.url).toBe('/bot1:x/sendDocument');
    expect(request?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(request?.body).toContain('filename=my-data.json');
    expect(request?.body).toContain('{"language":"fr"}');
  });

  it('fails a call that gets no answer within the timeout', async () => {
    const api = await serve(() => undefined); // never answers
    const started = performance.now();
    const failure = await apiOn(api.url, 0.2)
      .getMe()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HttpError);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops a long poll when its signal aborts, closing the connection', async () => {
    const api = await serve(() => undefined); // a long poll with nothing to deliver
    const controller = new AbortController();
    const failure = apiOn(api.url)
      // grammY types signals as its polyfill's; a native one is what the runner passes.
      .getUpdates({ timeout: 30 }, controller.signal as Parameters<Api['getUpdates']>[1])
      .catch((error: unknown) => error);
    for (let i = 0; i < 200 && api.received.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const socket = api.received[0]?.socket;
    const closed = new Promise((resolve) => socket?.once('close', resolve));
    controller.abort();
    const error = await failure;
    expect(error).toBeInstanceOf(HttpError);
    expect(((error as HttpError).error as Error).name).toBe('AbortError');
    await closed;
    expect(socket?.destroyed).toBe(true);
  });

  it('sits under auto-retry, which sees each attempt (a 429 and then the answer)', async () => {
    let calls = 0;
    const api = await serve((_, response) => {
      calls += 1;
      if (calls === 1) {
        json(response, 429, {
          ok: false,
          error_code: 429,
          description: 'Too Many Requests: retry after 0',
          parameters: { retry_after: 0 },
        });
      } else json(response, 200, { ok: true, result: true });
    });
    const client = apiOn(api.url);
    client.config.use(autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 1 }));
    expect(await client.deleteMessage(5, 9)).toBe(true);
    expect(api.received).toHaveLength(2);
  });

  it('refuses to be installed under another transformer', () => {
    const client = { apiRoot: 'http://127.0.0.1:9', timeoutSeconds: 30 };
    const api = new Api('1:x', botApiClient(client));
    api.config.use(autoRetry());
    expect(() => useBotApiTransport(api, client)).toThrow(/first transformer/);
  });
});
