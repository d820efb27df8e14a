import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { useTempDir } from '../helpers/temp.js';

describe('createLogger', () => {
  const tmp = useTempDir();

  /**
   * Logs one line with a token and a user hash through a logger on a file; returns the file
   * once the line is written.
   */
  async function logOnce(pretty: boolean): Promise<string> {
    const path = join(tmp(), pretty ? 'pretty.log' : 'json.log');
    const fd = openSync(path, 'w');
    const log = createLogger('debug', fd, pretty);
    log.error(
      { platform: 'telegram', command: '/start', user: 'u1a2b', token: 'SECRET' },
      'failed',
    );
    log.flush();
    // The JSON destination writes asynchronously: wait (bounded) for the line to land.
    const deadline = Date.now() + 2_000;
    while (!readFileSync(path, 'utf8').endsWith('\n') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const written = readFileSync(path, 'utf8');
    closeSync(fd);
    return written;
  }

  it('writes one JSON line per entry, with the context and without secrets', async () => {
    const line = JSON.parse((await logOnce(false)).trim()) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 50,
      msg: 'failed',
      platform: 'telegram',
      command: '/start',
      user: 'u1a2b',
      token: '[redacted]',
    });
  });

  it('writes readable lines for a terminal, still without secrets', async () => {
    const text = await logOnce(true);
    expect(text).toContain('ERROR');
    expect(text).toContain('failed');
    expect(text).toContain('platform: "telegram"');
    expect(text).not.toContain('SECRET');
    expect(() => JSON.parse(text.trim().split('\n')[0] ?? '') as unknown).toThrow();
  });
});
