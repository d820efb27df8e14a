import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/app/dispatcher.js';
import { queueGuideChanges } from '../../src/app/guide-changes.js';
import { createI18n } from '../../src/app/i18n.js';
import { createLocalizer } from '../../src/app/localize.js';
import { randomRef } from '../../src/app/refs.js';
import { createWalkthroughService, type Actor, type Reply } from '../../src/app/service.js';
import { createTelegramMessenger } from '../../src/bots/telegram/messenger.js';
import { createCatalog, type Catalog } from '../../src/core/catalog.js';
import { parseGuide } from '../../src/core/guide.js';
import { supportedLanguages } from '../../src/locales/index.js';
import { guidesDirectory } from '../../src/main.js';
import { openDatabase } from '../../src/store/database.js';
import { createSqliteStore } from '../../src/store/sqlite-store.js';
import { testLogger } from '../bots/telegram/harness.js';
import { startFakeTelegram } from '../fakes/telegram/server.js';
import { useTempDir } from '../helpers/temp.js';

/** The shipped X/Grok guide, optionally at another version with a "what changed" line. */
function grokCatalog(version: number): Catalog {
  const raw = parse(readFileSync(join(guidesDirectory, 'x-grok.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const result = parseGuide(
    {
      ...raw,
      version,
      changes: {
        2: {
          en: 'X renamed the box; the link is the same.',
          fr: 'X a renommé la case ; le lien reste le même.',
        },
      },
    },
    'x-grok.yaml',
  );
  if (result.type !== 'ok') throw new Error(JSON.stringify(result.problems));
  return createCatalog([result.guide]);
}

const intervals = { default: 30 * 86_400_000, long: 90 * 86_400_000 };

describe('a guide whose steps change', () => {
  const tmp = useTempDir();
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('asks the users who completed the old version to re-check, and only them', async () => {
    const fake = await startFakeTelegram();
    closers.push(() => fake.close());
    const store = createSqliteStore(openDatabase(join(tmp(), 'changes.sqlite')));
    closers.push(() => store.close());
    const service = (catalog: Catalog) =>
      createWalkthroughService({
        store,
        catalog,
        now: Date.now,
        intervals,
        languages: supportedLanguages,
        newRef: randomRef,
      });
    const v1 = service(grokCatalog(1));
    const actor = (id: number): Actor => {
      fake.markStarted(fake.user({ id, firstName: 'U', languageCode: 'en' }));
      return { platform: 'telegram', platformUserId: String(id), locale: 'en' };
    };
    const press = async (who: Actor, reply: Reply, key: string) => {
      const b = reply.screen.buttons.flat().find((x) => x.label.key === key);
      if (b?.type !== 'action') throw new Error(`no ${key}`);
      return v1.press(who, b.action);
    };
    const complete = async (who: Actor) => {
      let reply = await v1.openGuide(who, 'x-grok');
      for (let i = 0; i < 4; i += 1) reply = await press(who, reply, 'ui:buttons.done');
      return reply;
    };
    const [done, started, quiet] = [actor(71), actor(72), actor(73)];
    await complete(done);
    await v1.openGuide(started, 'x-grok');
    await press(quiet, await complete(quiet), 'ui:buttons.never');

    const v2 = grokCatalog(2);
    expect(await queueGuideChanges(store, v2, Date.now())).toBe(1);
    expect(await queueGuideChanges(store, v2, Date.now())).toBe(0); // once only, across restarts
    const dispatcher = createDispatcher({
      store,
      catalog: v2,
      messengers: [
        createTelegramMessenger({
          token: fake.token,
          apiRoot: fake.apiRoot,
          localizer: createLocalizer(createI18n(v2), 'words'),
        }),
      ],
      rates: { telegram: { perSecond: 50, perChatMs: 1000 } },
      intervals,
      log: testLogger(),
      batch: 10,
      leaseMs: 10_000,
    });
    const stats = await dispatcher.runOnce('telegram');
    expect(stats).toMatchObject({ claimed: 1, sent: 1 });
    const message = fake.lastMessage(71);
    expect(message?.text).toContain('This setting moved or changed since you did it.');
    expect(message?.text).toContain('X renamed the box; the link is the same.');
    expect(message?.buttons.map((b) => b.text)).toEqual([
      '🔁 Re-check now',
      'Snooze a week',
      'Stop reminders',
    ]);
    expect(fake.lastMessage(72)).toBeUndefined();
    expect(fake.lastMessage(73)).toBeUndefined();
    // "Re-check now" restarts the walkthrough of the new version.
    const recheck = message?.buttons[0];
    if (!recheck || !('callback_data' in recheck) || recheck.callback_data === undefined) {
      throw new Error('no re-check button');
    }
    const reopened = await service(v2).press(done, recheck.callback_data);
    expect(reopened.screen.subtitle).toEqual({
      key: 'ui:walkthrough.step',
      params: { current: 1, total: 4 },
    });
  });
});
