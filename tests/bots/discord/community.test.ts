import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscordBot } from '../../../src/bots/discord/discord-bot.js';
import {
  startFakeDiscord,
  type FakeDiscord,
  type FakeMessage,
  type FakeUserSpec,
} from '../../fakes/discord/index.js';
import { createTestApp } from '../../helpers/app.js';
import { useTempDir } from '../../helpers/temp.js';
import {
  CHANNEL,
  GUILD,
  buttonsOf,
  discordUser,
  misbehaviour,
  startTestDiscord,
  textOf,
} from './harness.js';

const EPHEMERAL = 64;
const ART = '400000000000000003';
const grok = 'X: stop Grok training on your posts';
const panelTitle = 'Protect your art from AI training';
const refusal = "Only this community's admins can do this.";
/** Send Messages and Use Application Commands, but not Manage Server. */
const MEMBER_PERMISSIONS = String((1n << 11n) | (1n << 31n));

describe('the community layer on Discord', () => {
  const tmp = useTempDir();
  let fake: FakeDiscord;
  let app: ReturnType<typeof createTestApp>;
  let bot: DiscordBot | undefined;
  let count = 0;

  beforeEach(async () => {
    fake = await startFakeDiscord({
      guilds: [
        {
          id: GUILD,
          name: 'Artists',
          channels: [
            { id: CHANNEL, name: 'general' },
            { id: ART, name: 'art' },
          ],
        },
      ],
      token: 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.discord-token',
    });
    app = createTestApp(tmp(), { file: 'dc-community.sqlite' });
    bot = await startTestDiscord(fake, app);
  });

  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    await fake.close();
    app.close();
  });

  function person(spec: Partial<FakeUserSpec> = {}) {
    count += 1;
    return discordUser(
      fake,
      fake.user({ id: `6000000000000000${10 + count}`, username: `person${count}`, ...spec }),
    );
  }
  const admin = () => person();
  const member = (spec: Partial<FakeUserSpec> = {}) =>
    person({ memberPermissions: MEMBER_PERMISSIONS, ...spec });

  /** The messages everyone sees in a channel (not interaction answers shown to one user). */
  const shared = (channel: string): FakeMessage[] =>
    fake.messages(channel).filter((m) => (m.flags & EPHEMERAL) === 0);

  function assertWellBehaved(): void {
    expect(misbehaviour(fake)).toEqual({ violations: [], acks: [] });
  }

  /** A member presses the panel's guide button and finishes the guide in DM. */
  async function completeFrom(panel: FakeMessage, who = member()) {
    const { interaction } = await who.click(panel, grok);
    const pointer = fake.responseOf(interaction);
    expect((pointer?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(textOf(pointer)).toContain('I sent you a DM');
    let message = who.dm()[0];
    for (let i = 0; i < 4; i += 1) message = (await who.click(message, '✅ Done')).message;
    expect(textOf(message)).toContain('All done');
    return who;
  }

  async function turnStatsOn(boss: ReturnType<typeof admin>) {
    const { response: settings } = await boss.slash('optout-admin', [{ name: 'settings' }]);
    expect((settings?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(textOf(settings)).toContain('Stats: off');
    const { message } = await boss.click(settings, 'Turn stats on');
    expect(textOf(message)).toContain('Stats: on');
  }

  async function postPanel(boss: ReturnType<typeof admin>): Promise<FakeMessage> {
    const { response } = await boss.slash('optout-admin', [{ name: 'panel' }]);
    expect((response?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(textOf(response)).toBe('Panel posted.');
    const panel = shared(CHANNEL).at(-1);
    if (!panel) throw new Error('no panel posted');
    return panel;
  }

  it('posts a panel whose button starts the walkthrough in DM with the server as origin; stats stay anonymous', async () => {
    const boss = admin();
    const panel = await postPanel(boss);
    expect(panel.embeds[0]?.['title']).toBe(panelTitle);
    expect(textOf(panel)).toContain('only ever sees anonymous counts');
    expect(buttonsOf(panel).map((b) => b.label)).toEqual([grok]);
    await turnStatsOn(boss);

    const clickers = [member(), member(), member()];
    for (const who of clickers) {
      const { interaction, message } = await who.click(panel, grok);
      expect(message).toEqual(panel); // the panel is never edited
      expect(textOf(fake.responseOf(interaction))).toContain('I sent you a DM');
      expect(textOf(who.dm()[0])).toContain('Step 1 of 4');
    }
    expect(app.db.prepare('SELECT DISTINCT origin FROM progress').all()).toEqual([
      { origin: `discord:${GUILD}` },
    ]);
    const { response: few } = await boss.slash('optout-admin', [{ name: 'stats' }]);
    expect((few?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(textOf(few)).toContain(
      `${grok}: fewer than 5 started, fewer than 5 completed, fewer than 5 to re-check`,
    );
    for (const who of clickers) await completeFrom(panel, who);
    for (let i = 0; i < 3; i += 1) await completeFrom(panel);
    const { response: six } = await boss.slash('optout-admin', [{ name: 'stats' }]);
    expect(textOf(six)).toContain(`${grok}: 6 started, 6 completed, fewer than 5 to re-check`);
    for (const id of [...clickers.map((c) => c.user.id), 'person']) {
      expect(textOf(six)).not.toContain(id);
    }
    expect(shared(CHANNEL)).toHaveLength(1);
    assertWellBehaved();
  });

  it('answers a forged or stale panel button where it was clicked: no DM, nothing stored', async () => {
    const panel = await postPanel(admin());
    const who = member({ locale: 'fr' });
    for (const forged of ['1:o:nope', '1:o:x-grok-old', 'garbage']) {
      const { interaction, message } = await who.clickId(panel, forged, true);
      expect(message).toEqual(panel);
      // Refused in the acknowledgement itself (type 4, only for them), in their language.
      expect(fake.callbackOf(interaction)?.type).toBe(4);
      const answer = fake.responseOf(interaction);
      expect((answer?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(textOf(answer)).toMatch(/Je ne connais pas ce guide|Ce bouton n'est plus à jour/);
    }
    expect(who.dm()).toEqual([]);
    expect(app.db.prepare('SELECT COUNT(*) AS n FROM progress').get()).toEqual({ n: 0 });
    assertWellBehaved();
  });

  it("refuses a member's panel, stats and settings politely, and posts or changes nothing", async () => {
    const mia = member();
    const posts = () =>
      fake.calls.filter((c) => c.method === 'POST' && c.path.includes('/channels/'));
    for (const sub of ['panel', 'stats', 'settings']) {
      const { response } = await mia.slash('optout-admin', [{ name: sub }]);
      expect((response?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(textOf(response)).toContain(refusal);
    }
    expect(shared(CHANNEL)).toEqual([]);
    expect(posts()).toEqual([]);

    // A forged settings button from a member changes nothing.
    const boss = admin();
    const { response: settings } = await boss.slash('optout-admin', [{ name: 'settings' }]);
    const statsOn = buttonsOf(settings).find((b) => b.label === 'Turn stats on')?.customId ?? '';
    const { interaction } = await mia.clickId(settings!, statsOn, true);
    expect(fake.acknowledgements().find((a) => a.id === interaction.id)?.count).toBe(1);
    expect(app.db.prepare('SELECT stats_on FROM communities').all()).toEqual([{ stats_on: 0 }]);
    assertWellBehaved();
  });

  it('posts in the chosen channel with the chosen guides, and refuses unknown guide ids', async () => {
    const boss = admin();
    const { response: refused } = await boss.slash('optout-admin', [
      { name: 'panel', options: [{ name: 'guides', value: 'x-grok, nope, *bold*' }] },
    ]);
    expect(textOf(refused)).toContain("I don't know these guides: nope, \\*bold\\*.");
    expect(shared(CHANNEL)).toEqual([]);
    const { response } = await boss.slash('optout-admin', [
      {
        name: 'panel',
        options: [
          { name: 'channel', value: ART },
          { name: 'guides', value: 'chatgpt, X-GROK' },
        ],
      },
    ]);
    expect(textOf(response)).toBe('Panel posted.');
    expect(shared(CHANNEL)).toEqual([]);
    const panel = shared(ART)[0];
    expect(buttonsOf(panel).map((b) => b.customId)).toEqual(['1:o:chatgpt', '1:o:x-grok']);
    assertWellBehaved();
  });

  it('keeps the panel working after a restart, and continues ephemerally for closed DMs', async () => {
    const panel = await postPanel(admin());
    await bot?.stop();
    bot = await startTestDiscord(fake, app);
    const closed = member({ dmsClosed: true });
    const { interaction } = await closed.click(panel, grok);
    const answer = fake.responseOf(interaction);
    expect((answer?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(answer?.content).toContain("I can't send you DMs");
    expect(textOf(answer)).toContain('Step 1 of 4');
    expect(app.db.prepare('SELECT origin FROM progress').all()).toEqual([
      { origin: `discord:${GUILD}` },
    ]);
    await completeFrom(panel);
    assertWellBehaved();
  });

  it("forgets the server's settings when the bot is removed, keeping members' progress", async () => {
    // The server is cached (its removal is how the bot learns of it); its channels, which the
    // bot never reads, are not.
    const client = bot?.client;
    expect(client?.guilds.cache.has(GUILD)).toBe(true);
    expect(client?.channels.cache.size).toBe(0);
    expect(client?.guilds.cache.get(GUILD)?.channels.cache.size).toBe(0);
    const boss = admin();
    const panel = await postPanel(boss);
    await turnStatsOn(boss);
    await completeFrom(panel);
    expect(app.db.prepare('SELECT count(*) AS n FROM communities').get()).toEqual({ n: 1 });
    fake.removeGuild(GUILD);
    await expect
      .poll(() => app.db.prepare('SELECT count(*) AS n FROM communities').get(), { timeout: 3000 })
      .toEqual({ n: 0 });
    expect(app.db.prepare('SELECT status, origin FROM progress').all()).toEqual([
      { status: 'completed', origin: `discord:${GUILD}` },
    ]);
    assertWellBehaved();
  });
});
