import { afterEach, describe, expect, it } from 'vitest';
import type { Actor, Reply } from '../../src/app/service.js';
import { decodeAction } from '../../src/core/actions.js';
import { createTestApp } from '../helpers/app.js';
import { useTempDir } from '../helpers/temp.js';

const ann: Actor = { platform: 'telegram', platformUserId: '1001', locale: 'en-US' };
const marie: Actor = { platform: 'telegram', platformUserId: '1002', locale: 'fr-CA' };

/** The action id of the button whose label key is `labelKey` on the reply's screen. */
function button(reply: Reply, labelKey: string): string {
  const found = reply.screen.buttons.flat().find((b) => b.label.key === labelKey);
  if (found?.type !== 'action')
    throw new Error(`no ${labelKey} button on ${JSON.stringify(reply.screen.buttons)}`);
  return found.action;
}

/** The step a walkthrough reply shows (its cursor, from 1). */
function shownStep(reply: Reply): number | undefined {
  const current = reply.screen.subtitle?.params?.['current'];
  return typeof current === 'number' ? current : undefined;
}

describe('the application service', () => {
  const tmp = useTempDir();
  let closers: (() => void)[] = [];
  afterEach(() => {
    closers.forEach((close) => close());
    closers = [];
  });
  const app = (file?: string) => {
    const created = createTestApp(tmp(), file ? { file } : {});
    closers.push(created.close);
    return created;
  };

  it('walks X/Grok from the first step to completion by pressing the buttons it shows', async () => {
    const { service, localizer, db } = app();
    let reply = await service.openGuide(ann, 'x-grok');
    expect(localizer.screen(reply.screen, reply.language).subtitle).toBe('Step 1 of 4');
    for (let step = 0; step < 4; step += 1)
      reply = await service.press(ann, button(reply, 'ui:buttons.done'));
    const screen = localizer.screen(reply.screen, reply.language);
    expect(screen.subtitle).toBe('All done ✅');
    expect(screen.progress).toBe('✅ ✅ ✅ ✅');
    expect(screen.body.at(-1)).toBe(
      "Platforms sometimes change these settings back. I'll remind you to check in 30 days.",
    );
    expect(reply.events).toContainEqual({ type: 'completed', guideId: 'x-grok', version: 1 });
    const row = db.prepare('SELECT status, guide_version FROM progress').get();
    expect(row).toEqual({ status: 'completed', guide_version: 1 });
    const reminder = db.prepare('SELECT kind, due_at FROM reminders').get() as {
      kind: string;
      due_at: number;
    };
    expect(reminder).toEqual({ kind: 'recheck', due_at: 1_700_000_000_000 + 30 * 86_400_000 });
  });

  it('speaks French to a fr-CA user, with the sourced French labels', async () => {
    const { service, localizer } = app();
    let reply = await service.openGuide(marie, 'x-grok');
    reply = await service.press(marie, button(reply, 'ui:buttons.done'));
    const screen = localizer.screen(reply.screen, reply.language);
    expect(reply.language).toBe('fr');
    expect(screen.subtitle).toBe('Étape 2 sur 4');
    expect(screen.body[0]).toContain('Grok et collaborateurs tiers');
    expect(screen.buttons.flat()[0]?.label).toBe("✅ C'est fait");
  });

  it('answers a stale button with the current step and changes nothing', async () => {
    const { service, db } = app();
    const first = await service.openGuide(ann, 'x-grok');
    const staleDone = button(first, 'ui:buttons.done');
    await service.press(ann, staleDone);
    const before = db.prepare('SELECT state FROM progress').get();
    const reply = await service.press(ann, staleDone);
    expect(reply.screen.notice).toEqual({ key: 'ui:rejected.staleButton' });
    expect(reply.screen.subtitle).toEqual({
      key: 'ui:walkthrough.step',
      params: { current: 2, total: 4 },
    });
    expect(db.prepare('SELECT state FROM progress').get()).toEqual(before);
  });

  it.each([
    '',
    'garbage',
    '2:s:x-grok:1:0:d',
    '1:s:no-such-guide:1:0:d',
    '1:o:no-such-guide',
    'x'.repeat(5000),
  ])('answers the forged id %j kindly without changing anything', async (forged) => {
    const { service, db } = app();
    await service.openGuide(ann, 'x-grok');
    const before = db.prepare('SELECT state FROM progress').all();
    const reply = await service.press(ann, forged);
    expect(reply.screen.notice).toEqual({ key: 'ui:rejected.staleButton' });
    expect(db.prepare('SELECT state FROM progress').all()).toEqual(before);
  });

  it('applies a button only to the user who pressed it', async () => {
    const { service } = app();
    const annReply = await service.openGuide(ann, 'x-grok');
    await service.openGuide(marie, 'x-grok');
    await service.press(marie, button(annReply, 'ui:buttons.done'));
    const annNow = await service.openGuide(ann, 'x-grok');
    expect(annNow.screen.subtitle).toEqual({
      key: 'ui:walkthrough.step',
      params: { current: 1, total: 4 },
    });
  });

  it('resumes mid-walkthrough in a new service on the same database file', async () => {
    const first = app('shared.sqlite');
    let reply = await first.service.openGuide(ann, 'x-grok');
    reply = await first.service.press(ann, button(reply, 'ui:buttons.done'));
    await first.service.press(ann, button(reply, 'ui:buttons.skip'));
    first.close();
    closers = [];
    const second = app('shared.sqlite');
    const resumed = await second.service.openGuide(ann, 'x-grok');
    expect(resumed.screen.subtitle).toEqual({
      key: 'ui:walkthrough.step',
      params: { current: 3, total: 4 },
    });
    expect(resumed.screen.progress).toBe('✅ ⏭️ ⬜ ⬜');
  });

  it('shows the guide list with a note for an unknown guide', async () => {
    const { service } = app();
    const reply = await service.openGuide(ann, 'no-such-guide');
    expect(reply.screen.title).toEqual({ key: 'ui:guides.title' });
    expect(reply.screen.notice).toEqual({ key: 'ui:rejected.unknownGuide' });
  });

  it('remembers the community a walkthrough started from, and keeps the first one', async () => {
    const { service, db } = app();
    await service.openGuide(ann, 'x-grok', { origin: 'telegram:-100123' });
    await service.openGuide(ann, 'x-grok', { origin: 'telegram:-100999' });
    expect(db.prepare('SELECT origin FROM progress').get()).toEqual({ origin: 'telegram:-100123' });
  });

  it('keeps an explicit language choice over the platform locale', async () => {
    const { service } = app();
    const menu = await service.languageMenu(ann);
    const french = menu.screen.buttons
      .flat()
      .map((b) => (b.type === 'action' ? decodeAction(b.action) : undefined));
    expect(french).toContainEqual({ type: 'ok', action: { type: 'language', language: 'fr' } });
    const changed = await service.setLanguage(ann, 'fr');
    expect(changed.language).toBe('fr');
    expect((await service.openGuide(ann, 'x-grok')).language).toBe('fr');
    expect(await service.languageOf(ann)).toBe('fr');
  });

  it('refuses an unsupported language and keeps the current one', async () => {
    const { service } = app();
    const reply = await service.setLanguage(marie, 'klingon');
    expect(reply.language).toBe('fr');
    expect(reply.events).toContainEqual({ type: 'rejected', reason: 'unknownLanguage' });
  });

  it('lists progress across guides on the status screen', async () => {
    const { service, localizer } = app();
    expect(localizer.screen((await service.status(ann)).screen, 'en').body).toEqual([
      "You haven't started a guide yet.",
    ]);
    const opened = await service.openGuide(ann, 'x-grok');
    await service.press(ann, button(opened, 'ui:buttons.done'));
    const status = localizer.screen((await service.status(ann)).screen, 'en');
    expect(status.body).toEqual(['▶️ X: stop Grok training on your posts: step 2 of 4']);
  });

  it('stores no names or message texts: only ids, language and progress', async () => {
    const { service, db } = app();
    await service.openGuide(ann, 'x-grok');
    const user = db.prepare('SELECT * FROM users').get() as Record<string, unknown>;
    expect(Object.keys(user).sort()).toEqual(
      [
        'cadence',
        'created_at',
        'dm_ok',
        'id',
        'language',
        'language_choice',
        'last_seen_at',
        'platform',
        'platform_user_id',
      ].sort(),
    );
  });

  it('shows a completed guide with the time left until its stored reminder', async () => {
    const { service, localizer, advance } = app();
    let reply = await service.openGuide(ann, 'x-grok');
    for (let step = 0; step < 4; step += 1)
      reply = await service.press(ann, button(reply, 'ui:buttons.done'));
    advance(10 * 86_400_000);
    const reopened = localizer.screen((await service.openGuide(ann, 'x-grok')).screen, 'en');
    expect(reopened.body.at(-1)).toBe(
      "Platforms sometimes change these settings back. I'll remind you to check in 20 days.",
    );
    const stale = await service.press(ann, '1:s:x-grok:1:3:d');
    expect(localizer.screen(stale.screen, 'en').body.at(-1)).toContain('in 20 days');
  });

  it('records when a user was last seen at most once an hour, not at every update', async () => {
    const { service, db, advance } = app();
    const lastSeen = () =>
      (db.prepare('SELECT last_seen_at FROM users').get() as { last_seen_at: number }).last_seen_at;
    const start = 1_700_000_000_000;
    let reply = await service.openGuide(ann, 'x-grok');
    expect(lastSeen()).toBe(start);
    advance(59 * 60_000);
    reply = await service.press(ann, button(reply, 'ui:buttons.done'));
    expect(lastSeen()).toBe(start); // within the hour: nothing written for it
    advance(60_000);
    reply = await service.press(ann, button(reply, 'ui:buttons.done'));
    expect(lastSeen()).toBe(start + 60 * 60_000);
    expect(shownStep(reply)).toBe(3); // the presses themselves were all saved
    advance(400 * 86_400_000);
    await service.status(ann);
    expect(lastSeen()).toBe(start + 60 * 60_000 + 400 * 86_400_000);
  });

  it('records that a user cannot be reached, and when they can again', async () => {
    const { service, db } = app();
    await service.openGuide(ann, 'x-grok');
    await service.setReachable(ann, false);
    expect(db.prepare('SELECT dm_ok FROM users').get()).toEqual({ dm_ok: 0 });
    await service.setReachable(ann, true);
    expect(db.prepare('SELECT dm_ok FROM users').get()).toEqual({ dm_ok: 1 });
  });
});
