import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/app/logger.js';
import { useTempDir } from '../helpers/temp.js';

describe('createLogger', () => {
  const tmp = useTempDir();

  /** Logs one line with a token and a user hash through a logger on a file; returns the file. */
  function logOnce(pretty: boolean): string {
    const path = join(tmp(), pretty ? 'pretty.log' : 'json.log');
    const fd = openSync(path, 'w');
    const log = createLogger('debug', fd, pretty);
    log.error(
      { platform: 'telegram', command: '/start', user: 'u1a2b', token: 'SECRET' },
      'failed',
    );
    log.flush();
    closeSync(fd);
    return readFileSync(path, 'utf8');
  }

  it('writes one JSON line per entry, with the context and without secrets', () => {
    const line = JSON.parse(logOnce(false).trim()) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 50,
      msg: 'failed',
      platform: 'telegram',
      command: '/start',
      user: 'u1a2b',
      token: '[redacted]',
    });
  });

  it('writes readable lines for a terminal, still without secrets', () => {
    const text = logOnce(true);
    expect(text).toContain('ERROR');
    expect(text).toContain('failed');
    expect(text).toContain('platform: "telegram"');
    expect(text).not.toContain('SECRET');
    expect(() => JSON.parse(text.trim().split('\n')[0] ?? '') as unknown).toThrow();
  });
});
