import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.js';

/**
 * Where `/metrics` comes from: a prom-client registry, or anything that renders like one (such as
 * the metrics of several processes, aggregated at each scrape).
 */
export type MetricsSource = Pick<Registry, 'contentType' | 'metrics'>;

/** Handles one request on a path the server was given. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** The operations server: `/healthz`, `/metrics`, and routes added later (the Telegram webhook). */
export interface HttpServer {
  /** The port it listens on (useful with port 0). */
  readonly port: number;
  /** Serves `handler` for POST requests to `path`. */
  route(path: string, handler: RouteHandler): void;
  /** Stops accepting connections and closes idle ones; resolves when the server is closed. */
  close(): Promise<void>;
}

/** What the server needs. */
export interface HttpServerOptions {
  readonly port: number;
  readonly host: string;
  readonly log: Logger;
  readonly registry: MetricsSource;
  /** The problems that make the process unhealthy; empty when healthy. */
  readonly health: () => readonly string[];
}

/**
 * Starts the operations server. `/healthz` answers 200 `ok` when `health()` finds no problem, or
 * 503 with one problem per line; `/metrics` answers in Prometheus text format.
 *
 * @throws when the port is taken (the error says which).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { log } = options;
  const routes = new Map<string, RouteHandler>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    void (async () => {
      if (req.method === 'GET' && path === '/healthz') {
        let problems: readonly string[];
        try {
          problems = options.health();
        } catch (error) {
          problems = [`health check failed: ${error instanceof Error ? error.message : 'error'}`];
        }
        res.writeHead(problems.length === 0 ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(problems.length === 0 ? 'ok\n' : `${problems.join('\n')}\n`);
        return;
      }
      if (req.method === 'GET' && path === '/metrics') {
        const body = await options.registry.metrics();
        res.writeHead(200, { 'content-type': options.registry.contentType });
        res.end(body);
        return;
      }
      const handler = routes.get(path);
      if (handler && req.method === 'POST') return handler(req, res);
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    })().catch((error: unknown) => {
      log.error({ err: error, path }, 'http: request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new Error(
          `HTTP_PORT ${options.port} on ${options.host} is not available (${error.message}): choose another port`,
        ),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ host: options.host, port }, 'http: serving /healthz and /metrics');
  return {
    port,
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
