import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { botApiFetch } from '../../../src/bots/telegram/bot-api-fetch.js';

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
  it('posts a JSON body with its length and reads the JSON answer, reusing one connection', async () => {
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
    await call();
    expect(api.received).toHaveLength(2);
    expect(api.received[0]).toMatchObject({
      method: 'POST',
      url: '/bot1:x/sendMessage',
      body: '{"chat_id":1,"text":"héllo"}',
    });
    expect(api.received[0]?.headers['content-length']).toBe(
      String(Buffer.byteLength('{"chat_id":1,"text":"héllo"}')),
    );
    expect(api.connections.size).toBe(1);
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
});
