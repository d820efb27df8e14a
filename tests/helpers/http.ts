import { createServer } from 'node:net';

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** GETs a path of the bot's HTTP server; `undefined` while nothing listens. */
export async function get(
  port: number,
  path: string,
): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

/** Polls `/healthz` until it answers 200 (at most `timeoutMs`). */
export async function waitHealthy(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await get(port, '/healthz'))?.status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`/healthz never answered 200 within ${timeoutMs} ms`);
}

/** The value of one Prometheus sample, 0 when absent. */
export function sample(metrics: string, name: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}
