import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runConsole } from '../../../src/bots/console/console-bot.js';
import { createTestApp } from '../../helpers/app.js';
import { useTempDir } from '../../helpers/temp.js';

/** Runs the terminal adapter with `lines` typed in, and returns everything it printed. */
async function session(
  app: ReturnType<typeof createTestApp>,
  lines: string[],
  options: { language?: string; locale?: string } = {},
) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => {
    printed += chunk.toString('utf8');
  });
  const done = runConsole({
    service: app.service,
    localizer: app.localizer,
    input,
    output,
    guideId: 'x-grok',
    ...options,
  });
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  return printed;
}

describe('the terminal walkthrough', () => {
  const tmp = useTempDir();
  const apps: ReturnType<typeof createTestApp>[] = [];
  afterEach(() => apps.splice(0).forEach((a) => a.close()));
  const app = () => {
    const created = createTestApp(tmp(), { file: 'console.sqlite' });
    apps.push(created);
    return created;
  };

  it('opens on the first X/Grok step with the link to the setting', async () => {
    const out = await session(app(), []);
    expect(out).toContain('━━ X: stop Grok training on your posts ━━');
    expect(out).toContain('Step 1 of 4   ⬜ ⬜ ⬜ ⬜');
    expect(out).toContain('🔗 Open the setting: https://x.com/settings/grok_settings');
    expect(out).toContain('1) ✅ Done');
    expect(out).toContain('TELEGRAM_BOT_TOKEN');
    expect(out).toContain('Your progress is saved.');
  });

  it('completes every step, and shows it completed after quitting and restarting', async () => {
    const first = await session(app(), ['1', '1', '1', '1', 'q']);
    expect(first).toContain('All done ✅   ✅ ✅ ✅ ✅');
    apps.splice(0).forEach((a) => a.close());
    const second = await session(app(), ['q']);
    expect(second).not.toContain('Step 1 of 4');
    expect(second).toContain('All done ✅');
    expect(second).toContain('🔔 Every 30 days');
  });

  it('speaks French with --lang fr, and keeps it next time', async () => {
    const out = await session(app(), ['1'], { language: 'fr' });
    expect(out).toContain('Étape 1 sur 4');
    expect(out).toContain('Grok et collaborateurs tiers');
    expect(out).toContain("1) ✅ C'est fait");
    apps.splice(0).forEach((a) => a.close());
    expect(await session(app(), [])).toContain('Étape 2 sur 4');
  });

  it('takes the language from the terminal locale', async () => {
    expect(await session(app(), [], { locale: 'fr_FR.UTF-8' })).toContain('Étape 1 sur 4');
  });

  it('answers an unknown choice kindly and stays on the step', async () => {
    const out = await session(app(), ['42', 'hello', '']);
    expect(out.match(/Please type one of the numbers shown, or q to quit\./g)).toHaveLength(3);
    expect(out).not.toContain('Step 2 of 4');
  });

  it('shows help after "I can\'t find it", and Back returns to the previous step', async () => {
    const out = await session(app(), ['1', '4', '2']);
    expect(out).toContain('❓');
    expect(out).toContain('No problem, here is some help:');
    expect(out).toContain('The wording of the box has changed over time');
    expect(out.lastIndexOf('Step 1 of 4')).toBeGreaterThan(out.indexOf('No problem'));
  });
});
