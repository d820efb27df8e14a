import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFloodGuard } from '../../../src/app/flood-guard.js';
import type { WalkthroughService } from '../../../src/app/service.js';
import { startDiscord, type DiscordBot } from '../../../src/bots/discord/discord-bot.js';
import { createDiscordMessenger } from '../../../src/bots/discord/messenger.js';
import { reminderScreen } from '../../../src/core/menus.js';
import { supportedLanguages } from '../../../src/locales/index.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord/index.js';
import { createTestApp, shippedCatalog } from '../../helpers/app.js';
import { useTempDir } from '../../helpers/temp.js';
import { testLogger } from '../telegram/harness.js';
import {
  CHANNEL,
  GUILD,
  buttonsOf,
  discordLocalizer,
  discordUser,
  guilds,
  misbehaviour,
  startTestDiscord,
  textOf,
} from './harness.js';

const EPHEMERAL = 64;
const grok = 'X: stop Grok training on your posts';
const flagsOf = (message: { flags: number } | undefined): number => message?.flags ?? -1;

describe('the Discord bot against the fake Discord', () => {
  const tmp = useTempDir();
  let fake: FakeDiscord;
  let app: ReturnType<typeof createTestApp>;
  let bot: DiscordBot | undefined;
  let userCount = 0;

  beforeEach(async () => {
    fake = await startFakeDiscord({ guilds, token: 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.discord-token' });
    app = createTestApp(tmp(), { file: 'dc.sqlite' });
    bot = await startTestDiscord(fake, app);
  });

  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    await fake.close();
    app.close();
  });

  /** A new member of the server. */
  function member(spec: { locale?: string; dmsClosed?: boolean } = {}) {
    userCount += 1;
    return discordUser(
      fake,
      fake.user({ id: `5000000000000000${10 + userCount}`, username: `user${userCount}`, ...spec }),
    );
  }

  const dmOk = (userId: string): unknown =>
    app.db.prepare('SELECT dm_ok FROM users WHERE platform_user_id = ?').get(userId);

  /** Every request passed Discord's rules; every interaction was acknowledged once, in 3 s. */
  function assertWellBehaved(): void {
    expect(misbehaviour(fake)).toEqual({ violations: [], acks: [] });
  }

  it('walks a member from a server through X/Grok in DM by its buttons, then /optout status shows it done', async () => {
    const ann = member();
    const { response: pointer } = await ann.slash('grok-optout');
    expect(flagsOf(pointer) & EPHEMERAL).toBe(EPHEMERAL);
    expect(pointer?.channel_id).toBe(CHANNEL);
    expect(textOf(pointer)).toBe(
      "I sent you a DM: let's continue there, so your progress stays yours.",
    );
    const dmChannel = fake.dmChannelOf(ann.user);
    expect(buttonsOf(pointer)).toEqual([
      {
        label: 'Open the DM',
        customId: undefined,
        url: `https://discord.com/channels/@me/${dmChannel}`,
      },
    ]);

    let message = ann.dm()[0];
    expect(ann.dm()).toHaveLength(1);
    expect(message?.embeds[0]?.['title']).toBe(grok);
    expect(textOf(message)).toContain('Step 1 of 4  ⬜ ⬜ ⬜ ⬜');
    expect(textOf(message)).toContain('Grok & Third-party Collaborators');
    expect(buttonsOf(message)).toEqual([
      {
        label: 'Open the setting',
        customId: undefined,
        url: 'https://x.com/settings/grok_settings',
      },
      { label: '✅ Done', customId: '1:s:x-grok:1:0:d', url: undefined },
      { label: 'Skip', customId: '1:s:x-grok:1:0:s', url: undefined },
      { label: "I can't find it", customId: '1:s:x-grok:1:0:c', url: undefined },
    ]);
    const marks = ['✅ ⬜ ⬜ ⬜', '✅ ✅ ⬜ ⬜', '✅ ✅ ✅ ⬜'];
    for (const [index, expected] of marks.entries()) {
      const { interaction, message: next } = await ann.click(message, '✅ Done');
      expect(fake.callbackOf(interaction)?.type).toBe(7); // the same message, updated
      expect(next?.id).toBe(message?.id);
      expect(textOf(next)).toContain(`Step ${index + 2} of 4  ${expected}`);
      message = next;
    }
    message = (await ann.click(message, '✅ Done')).message;
    expect(textOf(message)).toContain('All done ✅  ✅ ✅ ✅ ✅');
    expect(textOf(message)).toMatch(/I'll remind you to check <t:\d+:R>\./);
    expect(buttonsOf(message).map((b) => b.label)).toEqual([
      '🔔 Every 30 days',
      'Every 90 days',
      'No reminders',
      'Start over',
    ]);
    expect(ann.dm()).toHaveLength(1);

    const { response: status } = await ann.slash('optout', [{ name: 'status' }]);
    expect(flagsOf(status) & EPHEMERAL).toBe(EPHEMERAL);
    expect(textOf(status)).toContain(`✅ ${grok}: done`);
    expect(app.db.prepare('SELECT origin, status FROM progress').all()).toEqual([
      { origin: `discord:${GUILD}`, status: 'completed' },
    ]);
    expect(dmOk(ann.user.id)).toEqual({ dm_ok: 1 });
    assertWellBehaved();
  });

  it('continues in ephemeral messages in the channel when DMs are closed, and says why', async () => {
    const bob = member({ dmsClosed: true });
    let { response: message } = await bob.slash('grok-optout');
    expect(bob.dm()).toEqual([]);
    expect(flagsOf(message) & EPHEMERAL).toBe(EPHEMERAL);
    expect(message?.content).toBe(
      "I can't send you DMs (your privacy settings block them), so we continue here: only you can see these messages.",
    );
    expect(textOf(message)).toContain('Step 1 of 4  ⬜ ⬜ ⬜ ⬜');
    expect(dmOk(bob.user.id)).toEqual({ dm_ok: 0 });
    const id = message?.id;
    for (let step = 0; step < 4; step += 1) {
      message = (await bob.click(message, '✅ Done')).message;
      expect(message?.id).toBe(id);
      expect(message?.content).toBe(''); // told once, not on every step
    }
    expect(textOf(message)).toContain('All done ✅  ✅ ✅ ✅ ✅');
    expect(flagsOf(message) & EPHEMERAL).toBe(EPHEMERAL);

    // Once DMs are open again, the next command goes to DM and the user is reachable again.
    bob.user.dmsClosed = false;
    const { response: pointer } = await bob.slash('grok-optout');
    expect(textOf(pointer)).toContain('I sent you a DM');
    expect(textOf(bob.dm()[0])).toContain('All done ✅');
    expect(dmOk(bob.user.id)).toEqual({ dm_ok: 1 });
    assertWellBehaved();
  });

  it('speaks French to a French client, with the French command names registered', async () => {
    const optout = fake.registeredCommands().find((c) => (c as { name: string }).name === 'optout');
    expect(optout).toMatchObject({
      name_localizations: { fr: 'optout' },
      description_localizations: {
        fr: "Guides de refus\u00a0: protégez votre travail de l'entraînement des IA",
      },
      options: [
        { name: 'start', name_localizations: { fr: 'commencer' } },
        { name: 'status', name_localizations: { fr: 'progression' } },
        { name: 'language', name_localizations: { fr: 'langue' } },
        { name: 'export', name_localizations: { fr: 'exporter' } },
        { name: 'forget', name_localizations: { fr: 'oublier' } },
      ],
    });
    const marie = member({ locale: 'fr' });
    const { response: pointer } = await marie.slash('grok-optout');
    expect(textOf(pointer)).toContain('Je vous ai envoyé un message privé');
    expect(buttonsOf(pointer)[0]?.label).toBe('Ouvrir le message privé');
    let message = marie.dm()[0];
    expect(textOf(message)).toContain('Étape 1 sur 4');
    expect(textOf(message)).toContain('Grok et collaborateurs tiers');
    message = (await marie.click(message, "✅ C'est fait")).message;
    expect(textOf(message)).toContain('Étape 2 sur 4  ✅ ⬜ ⬜ ⬜');
    // Locales we have not translated get English.
    const minji = member({ locale: 'ko' });
    await minji.slash('grok-optout');
    expect(textOf(minji.dm()[0])).toContain('Step 1 of 4');
    assertWellBehaved();
  });

  it('switches the language with /optout language, by option or by button', async () => {
    const marie = member({ locale: 'fr' });
    const { response: changed } = await marie.slash('optout', [
      { name: 'language', options: [{ name: 'language', value: 'en' }] },
    ]);
    expect(textOf(changed)).toContain("Done: I'll speak English with you.");
    await marie.slash('grok-optout');
    expect(textOf(marie.dm()[0])).toContain('Step 1 of 4');
    const { response: menu } = await marie.slash('optout', [{ name: 'language' }]);
    expect(buttonsOf(menu).map((b) => b.label)).toEqual(
      expect.arrayContaining(['English', 'Français', '日本語']),
    );
    const french = (await marie.click(menu, 'Français')).message;
    expect(textOf(french)).toContain("C'est fait\u00a0: je vous parlerai en français.");
    const { response: status } = await marie.slash('optout', [{ name: 'status' }]);
    expect(textOf(status)).toContain('étape 1 sur 4');
    assertWellBehaved();
  });

  it('resumes mid-walkthrough after a restart on the same database, without registering again', async () => {
    const ann = member();
    await ann.slash('grok-optout');
    let message = ann.dm()[0];
    message = (await ann.click(message, '✅ Done')).message;
    message = (await ann.click(message, 'Skip')).message;
    const puts = () => fake.calls.filter((c) => c.method === 'PUT').length;
    expect(puts()).toBe(1);
    await bot?.stop();
    app.close();
    app = createTestApp(tmp(), { file: 'dc.sqlite' });
    bot = await startTestDiscord(fake, app);
    expect(puts()).toBe(1);
    await ann.slash('grok-optout');
    const resumed = ann.dm().at(-1);
    expect(resumed?.id).not.toBe(message?.id);
    expect(textOf(resumed)).toContain('Step 3 of 4  ✅ ⏭️ ⬜ ⬜');
    const pressedOld = (await ann.click(message, '✅ Done')).message;
    expect(textOf(pressedOld)).toContain('Step 4 of 4  ✅ ⏭️ ✅ ⬜');
    assertWellBehaved();
  });

  it('answers stale and forged buttons with the current step, and changes nothing', async () => {
    const ann = member();
    // In the bot's DM, the command answers with the walkthrough itself.
    const { response: first } = await ann.slash('grok-optout', [], { dm: true });
    const { response: second } = await ann.slash('grok-optout', [], { dm: true });
    expect(flagsOf(second) & EPHEMERAL).toBe(0);
    expect(second?.channel_id).toBe(fake.dmChannelOf(ann.user));
    const advanced = (await ann.click(second, '✅ Done')).message;
    expect(textOf(advanced)).toContain('Step 2 of 4');
    const stale = await ann.click(first, '✅ Done');
    expect(textOf(stale.message)).toContain('Step 2 of 4  ✅ ⬜ ⬜ ⬜');
    expect(textOf(stale.message)).toContain(
      '*This button is out of date. Here is where you are now.*',
    );
    // Said in the message clicked, in the acknowledgement itself: no follow-up to queue.
    expect(fake.followUpsOf(stale.interaction)).toEqual([]);
    if (!first) throw new Error('no first message');
    for (const forged of ['1:s:x-grok:1:3:d', 'garbage', '1:o:../etc', '9:z', 'x'.repeat(100)]) {
      const after = await ann.clickId(first, forged, true);
      expect(textOf(after.message)).toContain('Step 2 of 4  ✅ ⬜ ⬜ ⬜');
    }
    const { response: status } = await ann.slash('optout', [{ name: 'status' }], { dm: true });
    expect(textOf(status)).toContain('step 2 of 4');
    assertWellBehaved();
  });

  it('exports what it stores with a file, and forgets it all after confirmation', async () => {
    const ann = member();
    const { response: nothing } = await ann.slash('optout', [{ name: 'export' }]);
    expect(textOf(nothing)).toContain('I have nothing stored about you.');
    expect(nothing?.attachments).toEqual([]);
    await ann.slash('grok-optout');
    const { response: exported } = await ann.slash('optout', [{ name: 'export' }]);
    expect(flagsOf(exported) & EPHEMERAL).toBe(EPHEMERAL);
    expect(textOf(exported)).toContain('Here is everything I have stored about you:');
    expect(textOf(exported)).toContain(`started from community discord:${GUILD}`);
    expect(exported?.attachments).toEqual([
      expect.objectContaining({ filename: 'optout-bot-my-data.json' }),
    ]);
    const { response: confirm } = await ann.slash('optout', [{ name: 'forget' }]);
    expect(flagsOf(confirm) & EPHEMERAL).toBe(EPHEMERAL);
    const done = (await ann.click(confirm, '🗑️ Yes, delete everything')).message;
    expect(textOf(done)).toContain('Done: I deleted everything about you.');
    expect(app.db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 0 });
    expect(app.db.prepare('SELECT count(*) AS n FROM progress').get()).toEqual({ n: 0 });
    assertWellBehaved();
  });

  it("autocompletes guide names in the user's language, and /optout start opens the chosen one", async () => {
    const marie = member({ locale: 'fr' });
    const typed = async (value: string, locale?: string) => {
      const handle = await fake.autocomplete(marie.user, {
        name: 'optout',
        guildId: GUILD,
        options: [{ name: 'start', options: [] }],
        focused: 'guide',
        value,
        ...(locale ? { locale } : {}),
      });
      await fake.waitForAck(handle, 5000);
      return fake.callbackOf(handle);
    };
    const frenchTitle = "X\u00a0: empêcher Grok d'apprendre de vos posts";
    expect(await typed('grok')).toEqual({
      type: 8,
      data: { choices: [{ name: frenchTitle, value: 'x-grok' }] },
    });
    expect(await typed('EMPECHER grok')).toEqual({
      type: 8,
      data: { choices: [{ name: frenchTitle, value: 'x-grok' }] },
    });
    expect(await typed('grok', 'en-GB')).toEqual({
      type: 8,
      data: { choices: [{ name: grok, value: 'x-grok' }] },
    });
    expect(await typed('nothing like it')).toEqual({ type: 8, data: { choices: [] } });
    await marie.slash('optout', [{ name: 'start', options: [{ name: 'guide', value: 'x-grok' }] }]);
    expect(textOf(marie.dm()[0])).toContain('Étape 1 sur 4');
    await marie.slash('optout', [{ name: 'start', options: [{ name: 'guide', value: 'nope' }] }]);
    expect(textOf(marie.dm()[1])).toContain('Je ne connais pas ce guide.');
    // Typed without picking a suggestion: the one guide it names.
    await marie.slash('optout', [{ name: 'start', options: [{ name: 'guide', value: ' Grok ' }] }]);
    expect(textOf(marie.dm()[2])).toContain('Étape 1 sur 4');
    await marie.slash('optout', [{ name: 'start' }]);
    expect(textOf(marie.dm()[3])).toContain('Guides de refus');
    expect(buttonsOf(marie.dm()[3]).length).toBeGreaterThan(0);
    assertWellBehaved();
  });

  it('registers valid commands globally, usable in servers, DMs and as a user app, only once', async () => {
    const global = fake.registeredCommands() as Record<string, unknown>[];
    expect(global.map((c) => c['name'])).toEqual(['grok-optout', 'optout', 'optout-admin']);
    for (const command of global.slice(0, 2)) {
      expect(command).toMatchObject({ contexts: [0, 1, 2], integration_types: [0, 1] });
    }
    // Admin tools: only in servers, for Manage Server by default.
    expect(global[2]).toMatchObject({
      contexts: [0],
      integration_types: [0],
      default_member_permissions: '32',
    });
    expect(fake.calls.filter((c) => c.method === 'PUT').map((c) => c.path)).toEqual([
      `/applications/${fake.applicationId}/commands`,
    ]);
    await bot?.stop();
    bot = await startTestDiscord(fake, app);
    expect(fake.calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
    expect(fake.calls.filter((c) => c.method === 'GET' && c.path.endsWith('/commands'))).toEqual([
      expect.objectContaining({ query: { with_localizations: 'true' } }),
      expect.objectContaining({ query: { with_localizations: 'true' } }),
    ]);
    assertWellBehaved();
  });

  it('registers the commands in one server when DISCORD_GUILD_ID is set', async () => {
    await bot?.stop();
    bot = await startTestDiscord(fake, app, { guildId: GUILD });
    expect((fake.registeredCommands(GUILD) as { name: string }[]).map((c) => c.name)).toEqual([
      'grok-optout',
      'optout',
      'optout-admin',
    ]);
    const { response } = await member().slash('grok-optout');
    expect(textOf(response)).toContain('I sent you a DM');
    assertWellBehaved();
  });

  it('answers a command it does not know with help', async () => {
    const { response } = await member().slash('frobnicate', [], { forge: true });
    expect(flagsOf(response) & EPHEMERAL).toBe(EPHEMERAL);
    expect(textOf(response)).toContain("I don't know that command. Here is what I can do:");
    expect(textOf(response)).toContain('/optout start: pick a guide');
    assertWellBehaved();
  });

  it('answers a button on a message everyone sees privately, never editing it', async () => {
    const panel = (await bot?.client.rest.post(`/channels/${CHANNEL}/messages`, {
      body: {
        content: 'Protect your art',
        components: [
          {
            type: 1,
            components: [
              { type: 2, style: 1, label: 'X', custom_id: '1:o:x-grok' },
              { type: 2, style: 2, label: 'Status', custom_id: '1:t' },
            ],
          },
        ],
      },
    })) as { id: string };
    const shown = fake.message(panel.id);
    if (!shown) throw new Error('panel not posted');
    const ann = member();
    const { interaction, message } = await ann.clickId(shown, '1:t');
    expect(message).toEqual(shown);
    const answer = fake.responseOf(interaction);
    expect(fake.callbackOf(interaction)?.type).toBe(4);
    expect(flagsOf(answer) & EPHEMERAL).toBe(EPHEMERAL);
    expect(textOf(answer)).toContain('Your progress');
    // Opening a guide from it goes to the member's DM, like /optout start.
    const opened = await ann.clickId(shown, '1:o:x-grok');
    expect(opened.message).toEqual(shown);
    expect(textOf(fake.responseOf(opened.interaction))).toContain('I sent you a DM');
    expect(textOf(ann.dm()[0])).toContain('Step 1 of 4');
    assertWellBehaved();
  });

  it('defers a slow answer so it is still acknowledged within 3 s', async () => {
    await bot?.stop();
    const slow: WalkthroughService = {
      ...app.service,
      press: async (actor, id) => {
        await sleep(1_200);
        return app.service.press(actor, id);
      },
      status: async (actor) => {
        await sleep(1_200);
        return app.service.status(actor);
      },
    };
    bot = await startTestDiscord(fake, app, { service: slow, deferAfterMs: 300 });
    const ann = member();
    const { interaction: command, response: status } = await ann.slash('optout', [
      { name: 'status' },
    ]);
    expect(fake.callbackOf(command)?.type).toBe(5);
    expect(textOf(status)).toContain("You haven't started a guide yet.");
    await ann.slash('grok-optout');
    const { interaction: click, message } = await ann.click(ann.dm()[0], '✅ Done');
    expect(fake.callbackOf(click)?.type).toBe(6);
    expect(textOf(message)).toContain('Step 2 of 4');
    assertWellBehaved();
  });

  it('slows down a user who clicks in a stream, still acknowledging every click', async () => {
    await bot?.stop();
    let now = 0;
    const flood = createFloodGuard({ limit: 2, windowMs: 10_000, quietMs: 10_000, now: () => now });
    bot = await startTestDiscord(fake, app, { flood });
    const ann = member();
    const { response } = await ann.slash('grok-optout', [], { dm: true });
    const step2 = (await ann.click(response, '✅ Done')).message;
    const warned = await ann.click(step2, '✅ Done');
    expect(fake.callbackOf(warned.interaction)?.type).toBe(4);
    expect(fake.responseOf(warned.interaction)?.content).toBe(
      "You're going a bit fast! Give me a second, then try again.",
    );
    expect(textOf(warned.message)).toContain('Step 2 of 4');
    if (!step2) throw new Error('no step 2');
    const ignored = await fake.click(ann.user, step2, '1:s:x-grok:1:1:d');
    await fake.waitForAck(ignored, 5000);
    expect(fake.callbackOf(ignored)?.type).toBe(6);
    expect(textOf(fake.message(step2.id))).toContain('Step 2 of 4');
    now += 20_000;
    expect(textOf((await ann.click(step2, '✅ Done')).message)).toContain('Step 3 of 4');
    assertWellBehaved();
  });

  it('tells the user when handling fails, logs it with context, and keeps serving', async () => {
    await bot?.stop();
    const lines: string[] = [];
    const broken: WalkthroughService = {
      ...app.service,
      status: () => Promise.reject(new Error('disk on fire')),
      openGuide: () => Promise.reject(new Error('disk on fire')),
    };
    bot = await startTestDiscord(fake, app, { service: broken, lines });
    const ann = member();
    const sorry = 'Sorry, something went wrong on my side. Please try again in a moment.';
    const { response: status } = await ann.slash('optout', [{ name: 'status' }]);
    expect(status?.content).toBe(sorry);
    // Already acknowledged (deferred while the DM is prepared): the apology fills the deferral.
    const { interaction, response: deferred } = await ann.slash('grok-optout');
    expect(fake.callbackOf(interaction)?.type).toBe(5);
    expect(deferred?.content).toBe(sorry);
    expect(flagsOf(deferred) & EPHEMERAL).toBe(EPHEMERAL);
    const { response: language } = await ann.slash('optout', [{ name: 'language' }]);
    expect(textOf(language)).toContain('Choose the language I use with you.');
    const failures = lines.filter((l) => l.includes('discord: interaction failed'));
    expect(failures).toHaveLength(2);
    expect(failures[0]).toContain('"kind":"command /optout status"');
    expect(failures[0]).toContain('disk on fire');
    expect(failures[0]).toMatch(/"user":"[0-9a-f]{12}"/);
    expect(lines.join('\n')).not.toContain(fake.token);
    expect(lines.join('\n')).not.toContain(ann.user.id);
    expect(lines.join('\n')).not.toContain(interaction.token);
    assertWellBehaved();
  });

  it('refuses a wrong token with a message that says what to do', async () => {
    await expect(
      startDiscord({
        token: 'not-the-token-but-long-enough',
        apiUrl: fake.apiUrl,
        service: app.service,
        localizer: discordLocalizer,
        catalog: shippedCatalog,
        languages: supportedLanguages,
        log: testLogger(),
      }),
    ).rejects.toThrow(
      'Discord refused the token (401 Unauthorized): copy DISCORD_BOT_TOKEN again from the Developer Portal',
    );
    // The refused login is the only request Discord counts against the bot.
    expect(fake.violations.map((v) => `${v.method} ${v.path} ${v.status}`)).toEqual([
      'GET /gateway/bot 401',
    ]);
    expect(misbehaviour(fake).acks).toEqual([]);
  });

  describe('the Messenger', () => {
    const guide = shippedCatalog.get('x-grok');
    if (!guide) throw new Error('x-grok missing');
    const screen = reminderScreen(guide, 'recheck', {
      now: 1_700_000_000_000,
      nextAt: 1_702_592_000_000,
    });

    it('delivers a reminder to an open DM, and reports closed DMs as unreachable', async () => {
      const messenger = createDiscordMessenger({
        rest: bot!.client.rest,
        localizer: discordLocalizer,
      });
      expect(messenger.platform).toBe('discord');
      const ann = member({ locale: 'fr' });
      expect(await messenger.deliver(ann.user.id, { language: 'fr', screen })).toEqual({
        type: 'sent',
      });
      const sent = ann.dm()[0];
      expect(textOf(sent)).toContain('Petite vérification 🔁');
      expect(textOf(sent)).toContain('Si oui, je vous redemanderai <t:1702592000:R>.');
      expect(buttonsOf(sent).map((b) => b.label)).toContain("✅ Toujours comme je l'ai laissé");
      const closed = member({ dmsClosed: true });
      expect(await messenger.deliver(closed.user.id, { language: 'en', screen })).toEqual({
        type: 'unreachable',
        reason: 'discord 403 50007: Cannot send messages to this user',
      });
      // The reminder's buttons work like any other.
      const answered = (await ann.click(sent, "✅ Toujours comme je l'ai laissé")).message;
      expect(answered?.id).toBe(sent?.id);
      assertWellBehaved();
    });

    it('reports a server error that outlasts the retries as failed', async () => {
      const messenger = createDiscordMessenger({
        rest: bot!.client.rest,
        localizer: discordLocalizer,
      });
      const ann = member();
      fake.fault(
        { method: 'POST', path: /^\/channels\/\d+\/messages$/ },
        { status: 502, body: { message: 'Bad Gateway', code: 0 } },
        4,
      );
      expect(await messenger.deliver(ann.user.id, { language: 'en', screen })).toEqual({
        type: 'failed',
        reason: 'discord 502',
      });
      expect(ann.dm()).toEqual([]);
      assertWellBehaved();
    });

    it('waits out a 429 on the DM, then delivers', async () => {
      const messenger = createDiscordMessenger({
        rest: bot!.client.rest,
        localizer: discordLocalizer,
      });
      const ann = member();
      fake.rateLimit({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, 0.5);
      const started = Date.now();
      expect(await messenger.deliver(ann.user.id, { language: 'en', screen })).toEqual({
        type: 'sent',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      expect(textOf(ann.dm()[0])).toContain('Time for a quick check 🔁');
      assertWellBehaved();
    });
  });
});
