import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordBot } from '../../src/bots/discord/discord-bot.js';
import { guideChoices } from '../../src/bots/discord/commands.js';
import { encodeAction } from '../../src/core/actions.js';
import { supportedLanguages } from '../../src/locales/index.js';
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
  webhookOf,
} from '../bots/discord/harness.js';
import {
  startFakeDiscord,
  type FakeDiscord,
  type FakeMessage,
  type InjectedInteraction,
  type SlashOption,
} from '../fakes/discord/index.js';
import { createTestApp, shippedCatalog } from '../helpers/app.js';

/** Progress, reminders and communities, without the times that merely record activity. */
function meaningfulState(app: ReturnType<typeof createTestApp>): string {
  const progress = app.db
    .prepare<[], { user_id: number; state: string }>(
      'SELECT user_id, state FROM progress ORDER BY user_id',
    )
    .all()
    .map((row) => ({ ...row, state: { ...(JSON.parse(row.state) as object), updatedAt: 0 } }));
  return JSON.stringify({
    progress,
    reminders: app.db.prepare('SELECT * FROM reminders').all(),
    communities: app.db.prepare('SELECT * FROM communities').all(),
  });
}

/** A string that names no guide: not an id, and not a name matching exactly one guide. */
const namesNoGuide = (typed: string): boolean =>
  !shippedCatalog.get(typed.trim()) &&
  supportedLanguages.every(
    (language) =>
      guideChoices(shippedCatalog, discordLocalizer, language, typed.trim()).length !== 1,
  );

/** Hostile text: random, unicode, oversize, markdown and mentions, control characters. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ minLength: 1000, maxLength: 6000 }),
  fc.constantFrom(
    '',
    ' ',
    '@everyone',
    '<@&1> <#1> <t:1:R>',
    '**bold** __u__ ||spoiler|| `code` [x](https://evil.invalid)',
    '\u202e\u0000\uffff',
    '🏳️‍🌈'.repeat(500),
    'x-grok, x-grok,,, ,',
    '../../etc/passwd',
  ),
);

/** Options of a forged command: real names with hostile values, unknown names, wrong types. */
const hostileOption: fc.Arbitrary<SlashOption> = fc.oneof(
  fc.record({
    name: fc.constantFrom('guide', 'language', 'guides', 'channel'),
    value: hostileText.filter(namesNoGuide),
  }),
  fc.record({
    name: fc.constantFrom('guide', 'language', 'guides', 'channel'),
    value: fc.oneof(fc.integer(), fc.double(), fc.boolean()),
  }),
  fc.record({ name: fc.string({ maxLength: 40 }), value: hostileText }),
);

/** Forged slash commands no Discord client would send as such, and unknown ones. */
const hostileCommand = fc.oneof(
  fc.record({
    name: fc.constantFrom('optout', 'optout-admin'),
    options: fc.oneof(
      fc.constant<SlashOption[]>([]),
      fc
        .record({
          name: fc.oneof(
            fc.constantFrom(
              'start',
              'status',
              'language',
              'export',
              'forget',
              'panel',
              'settings',
              'stats',
            ),
            fc.string({ maxLength: 40 }),
          ),
          options: fc.array(hostileOption, { maxLength: 3 }),
        })
        .map((sub): SlashOption[] => [sub]),
      fc.array(hostileOption, { maxLength: 3 }),
    ),
  }),
  fc.record({
    name: fc.oneof(
      fc.constantFrom('frobnicate', 'grok_optout', 'OPTOUT', 'optout-admin-x', 'start'),
      fc.stringMatching(/^[-_a-z0-9]{1,32}$/),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 32 }),
    ),
    options: fc.array(hostileOption, { maxLength: 3 }),
  }),
);

/** Forged button ids: random, oversize, stale versions, other screens, admin-only changes. */
const hostileCustomId = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ minLength: 101, maxLength: 400 }),
  fc.constantFrom(
    '',
    ':',
    '1',
    '1:',
    '1:s',
    '2:s:x-grok:1:1:d',
    '1:o:nope',
    '1:l:xx',
    '1:m:x-grok:q',
    '1:c:x-grok:z',
    '1:f:1',
    '1:f:99999999',
  ),
  fc
    .record({
      step: fc.integer({ min: 0, max: 5 }),
      move: fc.constantFrom('done', 'back', 'skip', 'cant' as const),
    })
    .map(({ step, move }) =>
      encodeAction({ type: 'step', guideId: 'x-grok', version: 7, step, move }),
    ),
  fc.constantFrom(
    encodeAction({ type: 'reminder', guideId: 'x-grok', answer: 'wasOn' }),
    encodeAction({ type: 'reminder', guideId: 'x-grok', answer: 'snooze' }),
    encodeAction({ type: 'cadence', guideId: 'x-grok', cadence: 'never' }),
    encodeAction({ type: 'restart', guideId: 'x-grok', version: 1 }),
    encodeAction({ type: 'step', guideId: 'x-grok', version: 1, step: 0, move: 'done' }),
    encodeAction({ type: 'community', change: { kind: 'stats', on: true } }),
    encodeAction({ type: 'community', change: { kind: 'language', language: 'fr' } }),
    encodeAction({ type: 'community', change: { kind: 'featured', guideId: 'chatgpt' } }),
  ),
);

/** How long each interaction may take to be answered (Discord's deadline is 3 s). */
const settleMs = 5_000;
/** Interactions injected at once. */
const batch = Number(process.env['FUZZ_BATCH'] ?? 10);

/**
 * Pushes `runs` generated hostile interactions of one kind (forged slash commands, or forged
 * button clicks) through the real discord.js client and the Discord adapter, over the fake's
 * gateway, and checks: nothing crashes, no progress, reminder or community changes, every
 * interaction is acknowledged exactly once within 3 s and gets an answer, Discord refuses no
 * request of the bot.
 */
export function discordFuzzSuite(kind: 'commands' | 'buttons', runs: number): void {
  describe(`the Discord adapter under hostile ${kind} (property)`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'optout-dc-fuzz-'));
    const logs: string[] = [];
    let fake: FakeDiscord;
    let app: ReturnType<typeof createTestApp>;
    let bot: DiscordBot | undefined;
    let users: ReturnType<typeof discordUser>[] = [];
    /** Messages to click on: each user's DM walkthrough and an ephemeral answer; the panel. */
    let targets: FakeMessage[][] = [];

    beforeAll(async () => {
      fake = await startFakeDiscord({
        guilds,
        token: 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.discord-token',
      });
      app = createTestApp(dir, { file: 'dc-fuzz.sqlite' });
      bot = await startTestDiscord(fake, app, { lines: logs });
      const admin = discordUser(fake, fake.user({ id: '800000000000000001', username: 'admin' }));
      await admin.slash('optout-admin', [{ name: 'panel' }]);
      const panel = fake.messages(CHANNEL).find((m) => (m.flags & 64) === 0);
      if (!panel) throw new Error('no panel');
      users = (['en-US', 'fr', 'ja'] as const).map((locale, index) =>
        discordUser(
          fake,
          fake.user({
            id: `80000000000000001${index}`,
            username: `fuzz${index}`,
            locale,
            memberPermissions: '0',
          }),
        ),
      );
      targets = [];
      for (const user of users) {
        // Each user is on step 2 of X/Grok: hostile input must not move them.
        await user.slash('grok-optout');
        const walkthrough = user.dm()[0];
        if (!walkthrough) throw new Error('no walkthrough');
        const done = buttonsOf(walkthrough).find((b) => b.customId?.endsWith(':d'))?.customId;
        if (!done) throw new Error('no done button');
        await user.clickId(walkthrough, done);
        const { response: status } = await user.slash('optout', [{ name: 'status' }]);
        if (!status) throw new Error('no status');
        targets.push([walkthrough, status, panel]);
      }
    }, 60_000);

    afterAll(async () => {
      await bot?.stop();
      await fake.close();
      app.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /**
     * Waits for the acknowledgement and, after a deferral, the answer filling it, looking only at
     * the requests from `mark` (the number recorded before the interaction was sent) on.
     */
    async function answered(handle: InjectedInteraction, mark: number): Promise<string> {
      const callback = `/interactions/${handle.id}/`;
      await fake.waitFor((r) => r.status < 300 && r.path.startsWith(callback), settleMs, mark);
      const type = fake.callbackOf(handle)?.type;
      if (type === 5 || type === 6) {
        const webhook = webhookOf(fake, handle);
        const original = `${webhook}/messages/@original`;
        await fake.waitFor(
          (r) =>
            r.status < 300 &&
            ((r.method === 'PATCH' && r.path === original) ||
              (r.method === 'POST' && r.path === webhook)),
          settleMs,
          mark,
        );
      }
      const shown = [fake.responseOf(handle), ...fake.followUpsOf(handle)];
      return shown.map(textOf).join('\n');
    }

    it(`survives ${runs} generated ${kind}: no crash, no state change, every one answered once in time`, async () => {
      const before = meaningfulState(app);
      const started = Date.now();
      // Interactions arrive a batch at a time, as from several users at once: through the gateway,
      // one at a time would take minutes for 5,000.
      const input = fc.record({
        user: fc.integer({ min: 0, max: 2 }),
        inDm: fc.boolean(),
        command: hostileCommand,
        customId: hostileCustomId,
        target: fc.integer({ min: 0, max: 2 }),
      });
      let sent = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(input, { minLength: batch, maxLength: batch }),
          async (inputs) => {
            const shown = await Promise.all(
              inputs.map(async ({ user: index, inDm, command, customId, target }) => {
                const user = users[index]!;
                const mark = fake.calls.length;
                const handle =
                  kind === 'commands'
                    ? await fake.slash(user.user, {
                        name: command.name,
                        options: command.options,
                        forge: true,
                        ...(inDm ? {} : { guildId: GUILD }),
                      })
                    : await fake.click(user.user, targets[index]![target]!, customId, {
                        forge: true,
                      });
                return answered(handle, mark).catch((error: unknown) => {
                  const seen = fake.calls
                    .slice(mark)
                    .filter((r) => r.path.includes(handle.id) || r.path.includes(handle.token))
                    .map((r) => `${r.method} ${r.path.slice(0, 60)} -> ${r.status}`);
                  throw new Error(
                    `interaction ${handle.id} (${kind === 'commands' ? command.name : customId}) ` +
                      `not answered; its requests: ${JSON.stringify(seen)}; ack: ${JSON.stringify(fake.callbackOf(handle))}`,
                    { cause: error },
                  );
                });
              }),
            );
            sent += inputs.length;
            for (const text of shown) {
              expect(text.trim()).not.toBe('');
              // Localized: no raw i18n key or placeholder shown.
              expect(text).not.toMatch(/\bui:[a-z]|\{\{/);
            }
            expect(meaningfulState(app)).toBe(before);
          },
        ),
        // No shrinking: every replay goes over the network, and a shrinking run would outlast the
        // time limit and hide the first counterexample, which fast-check reports as it is.
        { numRuns: Math.ceil(runs / batch), endOnFailure: true },
      );
      const elapsed = Date.now() - started;
      console.info(`discord fuzz (${kind}): ${sent} interactions in ${elapsed} ms`);
      expect(meaningfulState(app)).toBe(before);
      expect(logs.filter((line) => line.includes('"level":50'))).toEqual([]);
      expect(misbehaviour(fake)).toEqual({ violations: [], acks: [] });
      expect(sent).toBeGreaterThanOrEqual(runs);
    }, 300_000); // CPU-bound; generous for a loaded 2-core machine
  });
}
