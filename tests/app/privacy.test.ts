import { afterEach, describe, expect, it } from 'vitest';
import { createFloodGuard } from '../../src/app/flood-guard.js';
import { createRetentionSweep } from '../../src/app/retention.js';
import type { Actor, Reply } from '../../src/app/service.js';
import { testLogger } from '../bots/telegram/harness.js';
import { createTestApp } from '../helpers/app.js';
import { databaseText } from '../helpers/database-text.js';
import { useTempDir } from '../helpers/temp.js';

const ann: Actor = { platform: 'telegram', platformUserId: '4242', locale: 'en' };
const bob: Actor = { platform: 'telegram', platformUserId: '5353', locale: 'fr' };

const action = (reply: Reply, labelKey: string): string => {
  const b = reply.screen.buttons.flat().find((x) => x.label.key === labelKey);
  if (b?.type !== 'action') throw new Error(`no ${labelKey}`);
  return b.action;
};

describe('privacy', () => {
  const tmp = useTempDir();
  const apps: ReturnType<typeof createTestApp>[] = [];
  afterEach(() => apps.splice(0).forEach((a) => a.close()));
  const app = () => {
    const created = createTestApp(tmp());
    apps.push(created);
    return created;
  };

  it('exports exactly what is stored, readable and as JSON', async () => {
    const { service, localizer } = app();
    let reply = await service.openGuide(ann, 'x-grok', { origin: 'telegram:-1001' });
    for (let i = 0; i < 4; i += 1)
      reply = await service.press(ann, action(reply, 'ui:buttons.done'));
    const exported = await service.exportData(ann);
    const screen = localizer.screen(exported.screen, exported.language);
    expect(screen.body).toEqual([
      'Here is everything I have stored about you:',
      'Account: telegram user id 4242 (no name or username)',
      'Language: English (from your app settings)',
      'Reminders: the regular interval',
      'X: stop Grok training on your posts: done, 4 steps done, started from community telegram:-1001',
      'X: stop Grok training on your posts: next reminder in 30 days',
      'The attached file holds the same data.',
      'To delete all of it, use the button below.',
    ]);
    // The export offers the way to delete it all, which still asks for confirmation.
    const ask = await service.press(ann, action(exported, 'ui:privacy.forgetAsk'));
    expect(ask.screen.title).toEqual({ key: 'ui:privacy.forgetTitle' });
    const json = JSON.parse(exported.document!.json) as Record<string, unknown>;
    expect(json).toMatchObject({
      user: {
        platform: 'telegram',
        platformUserId: '4242',
        languageChoice: null,
        language: 'en',
        reminderCadence: 'default',
        canMessage: true,
      },
      progress: [
        {
          guide: 'x-grok',
          status: 'completed',
          guideVersion: 1,
          fromCommunity: 'telegram:-1001',
          steps: { open: 'done', untick: 'done', history: 'done', verify: 'done' },
        },
      ],
      reminders: [{ guide: 'x-grok', kind: 'recheck', paused: false }],
    });
  });

  it('exports nothing and stores nothing for someone the bot does not know', async () => {
    const { service, db, localizer } = app();
    const exported = await service.exportData(bob);
    expect(exported.document).toBeUndefined();
    expect(localizer.screen(exported.screen, exported.language).body).toEqual([
      "Je n'ai rien d'enregistré sur vous.",
    ]);
    await service.forgetPrompt(bob);
    expect(db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 0 });
  });

  it('forgets everything about a user in one go after confirmation, and only them', async () => {
    const { service, db } = app();
    let reply = await service.openGuide(ann, 'x-grok');
    for (let i = 0; i < 4; i += 1)
      reply = await service.press(ann, action(reply, 'ui:buttons.done'));
    await service.openGuide(bob, 'x-grok');
    const prompt = await service.forgetPrompt(ann);
    expect(databaseText(db)).toContain('4242'); // nothing deleted before confirming
    const done = await service.press(ann, action(prompt, 'ui:privacy.forgetButton'));
    expect(done.screen.body).toEqual([{ key: 'ui:privacy.forgotten' }]);
    expect(done.events).toContainEqual({ type: 'forgotten', rows: 3 });
    expect(databaseText(db)).not.toContain('4242');
    expect(db.prepare('SELECT count(*) AS n FROM reminders').get()).toEqual({ n: 0 });
    expect(databaseText(db)).toContain('5353');
    const fresh = await service.status(ann);
    expect(fresh.screen.body).toEqual([{ key: 'ui:status.empty' }]);
  });

  it('refuses a forget confirmation older than 15 minutes, deleting nothing', async () => {
    const created = createTestApp(tmp(), { file: 'stale.sqlite' });
    apps.push(created);
    const { service, db } = created;
    await service.openGuide(ann, 'x-grok');
    const prompt = await service.forgetPrompt(ann);
    created.advance(16 * 60_000);
    const reply = await service.press(ann, action(prompt, 'ui:privacy.forgetButton'));
    expect(reply.screen.notice).toEqual({ key: 'ui:rejected.staleButton' });
    expect(databaseText(db)).toContain('4242');
    const fresh = await service.press(ann, action(reply, 'ui:privacy.forgetButton'));
    expect(fresh.screen.body).toEqual([{ key: 'ui:privacy.forgotten' }]);
    expect(databaseText(db)).not.toContain('4242');
  });

  it('deletes users inactive for the retention period who have no reminder', async () => {
    let now = 0;
    const { service, store, db } = createTestApp(tmp(), { file: 'ret.sqlite', now: () => now });
    apps.push({ close: () => store.close() } as ReturnType<typeof createTestApp>);
    await service.openGuide(ann, 'x-grok'); // no reminder: started, never completed
    let reply = await service.openGuide(bob, 'x-grok');
    for (let i = 0; i < 4; i += 1)
      reply = await service.press(bob, action(reply, 'ui:buttons.done'));
    now = 600 * 86_400_000;
    const sweep = createRetentionSweep({
      store,
      retentionMs: 548 * 86_400_000,
      everyMs: 1_000,
      now: () => now,
      log: testLogger(),
    });
    expect(await sweep.runOnce()).toBe(1);
    expect(databaseText(db)).not.toContain('4242');
    expect(databaseText(db)).toContain('5353');
  });
});

describe('flood guard', () => {
  it('lets bursts through, answers the first excess once, then ignores for a moment, per user', () => {
    let now = 0;
    const guard = createFloodGuard({ limit: 3, windowMs: 1_000, quietMs: 2_000, now: () => now });
    expect([1, 2, 3].map(() => guard.check('a'))).toEqual(['allow', 'allow', 'allow']);
    expect(guard.check('a')).toBe('warn');
    expect(guard.check('a')).toBe('ignore');
    expect(guard.check('b')).toBe('allow');
    now = 2_001;
    expect(guard.check('a')).toBe('allow');
  });
});
