import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runConsole } from '../../src/bots/console/console-bot.js';
import { createTestApp } from '../helpers/app.js';

describe('the terminal adapter under hostile input (property)', () => {
  it('answers 10,000 generated lines without crashing or moving the walkthrough', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optout-console-fuzz-'));
    const app = createTestApp(dir, { file: 'console.sqlite' });
    try {
      // Lines that are not one of the numbers on screen (nor q): every one must be refused.
      const lines = fc.sample(
        fc
          .oneof(
            fc.string({ maxLength: 50 }),
            fc.string({ unit: 'grapheme', maxLength: 30 }),
            fc.string({ minLength: 1000, maxLength: 5000 }),
            fc.integer({ min: 12, max: 10 ** 9 }).map(String),
            fc.constantFrom('0', '-1', '1.5', '1e3', '١', '01', ' 1x', '\u0000', '\u202e1', '%s%s'),
          )
          .map((line) => line.replace(/[\r\n\u2028\u2029\u0085]/g, ' '))
          .filter((line) => !/^\s*(q|quit|exit|[1-9]|1[01])\s*$/i.test(line)),
        { numRuns: 10_000, seed: 20261127 },
      );
      const input = new PassThrough();
      const output = new PassThrough();
      let printed = '';
      output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
      const progress = () =>
        app.db
          .prepare<[], { state: string }>('SELECT state FROM progress')
          .all()
          .map((row) => ({ ...(JSON.parse(row.state) as object), updatedAt: 0 }));
      await app.service.openGuide({ platform: 'console', platformUserId: 'local' }, 'x-grok');
      const before = progress();
      const done = runConsole({
        service: app.service,
        localizer: app.localizer,
        input,
        output,
        guideId: 'x-grok',
      });
      input.end(lines.map((l) => `${l}\n`).join(''));
      await done;
      expect(printed.match(/Please type one of the numbers shown, or q to quit\./g)).toHaveLength(
        lines.length,
      );
      expect(progress()).toEqual(before);
      expect(printed).toContain('Your progress is saved.');
    } finally {
      app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
