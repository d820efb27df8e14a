/**
 * Benchmark 4: the same X/Grok walkthrough, ours against the way most grammY developers would
 * write it (`bench/peers/walkthrough-bot.ts`: @grammyjs/conversations, sessions in SQLite).
 *
 * Each bot in its own process against its own fake Bot API (same code and options), each on a
 * database of 1,000,000 users (ours: our schema; the peer: one session row per user). Users new
 * to the guide open it and press ✅ Done four times; phases alternate between the two bots.
 */
import {
  mean,
  phase,
  startContender,
  stopAll,
  type Contender,
  type Measured,
} from './lib/contenders.js';
import { waitForQuiet } from './lib/machine-load.js';
import { machine, pickUsers, runDriverPart, size, smoke } from './lib/part.js';
import { isFresh, oursDatabase, peerDatabase, scratchDir, telegramId } from './lib/seed.js';
import { fmt, mb, ms, summarize, table, verdict } from './lib/stats.js';
import { scriptSteps, screenLatencies, type UpdateRecord } from './lib/telegram-load.js';

const config = {
  users: size(1_000_000, 2_000),
  /** Users new to the guide; each walks through once per bot. */
  walkers: size(3_000, 30), // at smoke size only 40 of the 2,000 seeded users are fresh
  thinkMs: size(2_000, 300),
  rate: size(40, 20),
  rounds: size(5, 1),
  durationMs: size(12_000, 1_500),
  warmupMs: size(2_000, 300),
  warmup: { rate: size(40, 20), durationMs: size(5_000, 500) },
  drainMs: 10_000,
};

runDriverPart('peer-walkthrough', async () => {
  const scratch = scratchDir('peer-walkthrough');
  const contenders: Contender[] = [];
  try {
    const oursPath = await oursDatabase(scratch.dir, config.users);
    const peerPath = peerDatabase(scratch.dir, config.users);
    const walkers = pickUsers(config.users, config.walkers, isFresh, 13).map(telegramId);
    const ours = await startContender('ours', {
      databasePath: oursPath,
      token: '333333:OURS-BENCH',
    });
    contenders.push(ours);
    const peer = await startContender('peer', {
      databasePath: peerPath,
      token: '444444:PEER-BENCH',
    });
    contenders.push(peer);
    const drivers = new Map(
      [ours, peer].map((who) => [who, who.users(walkers, 'once', config.thinkMs)]),
    );
    const driverOf = (who: Contender) => {
      const found = drivers.get(who);
      if (found === undefined) throw new Error(`no users for ${who.name}`);
      return found;
    };

    const quiet = await waitForQuiet();
    for (const who of [peer, ours]) {
      const run = { ...config.warmup, name: 'warm-up', warmupMs: 0, drainMs: config.drainMs };
      await phase(who, driverOf(who), run);
    }
    const phases: Record<'ours' | 'peer', Measured[]> = { ours: [], peer: [] };
    for (let round = 0; round < config.rounds; round += 1) {
      const order = round % 2 === 0 ? [peer, ours] : [ours, peer];
      for (const who of order) {
        const run = {
          name: `round ${round + 1}`,
          rate: config.rate,
          durationMs: config.durationMs,
          warmupMs: config.warmupMs,
          drainMs: config.drainMs,
        };
        phases[who === ours ? 'ours' : 'peer'].push(await phase(who, driverOf(who), run));
      }
    }

    const records = (who: 'ours' | 'peer'): UpdateRecord[] =>
      phases[who].flatMap((p) => p.outcome.measured);
    const at = (who: 'ours' | 'peer', step: string) =>
      summarize(screenLatencies(records(who).filter((r) => r.step === step)));
    const rows = scriptSteps.once.map((step) => {
      const o = at('ours', step);
      const p = at('peer', step);
      return [
        step,
        String(o.n),
        ms(p.p50),
        ms(o.p50),
        fmt(o.p50 / p.p50),
        ms(p.p99),
        ms(o.p99),
        fmt(o.p99 / p.p99),
      ];
    });
    const all = {
      ours: summarize(screenLatencies(records('ours'))),
      peer: summarize(screenLatencies(records('peer'))),
    };
    const first = { ours: at('ours', 'open'), peer: at('peer', 'open') };
    const last = { ours: at('ours', 'done 4'), peer: at('peer', 'done 4') };
    const count = (who: 'ours' | 'peer', key: 'dropped' | 'errors' | 'starved') =>
      phases[who].reduce((n, p) => n + p.outcome[key], 0);
    const lastPhase = (who: 'ours' | 'peer') => phases[who].at(-1);

    return [
      `## 4. Peer: the walkthrough with @grammyjs/conversations and SQLite sessions${smoke ? ' (smoke size: not a measurement)' : ''}`,
      '',
      `Machine: ${machine()}. ${config.users.toLocaleString('en')} users in each bot's database. ${config.rate} updates/s, ${config.rounds} alternating rounds of ${config.durationMs / 1000} s per bot (first ${config.warmupMs / 1000} s not counted; other programs used ${fmt(quiet, 0)} % of a core just before); each simulated user is new to the guide, opens it, then presses ✅ Done four times, ${config.thinkMs} ms after each answer.`,
      '',
      'Handling time per update: from the update leaving the fake to the call showing the answer arriving (the edit of the message: the peer answers the callback query first and then edits; ours sends the edit first and the callback answer right after, without waiting).',
      '',
      table(
        [
          'step',
          'updates (ours)',
          'peer p50',
          'ours p50',
          'ours / peer',
          'peer p99',
          'ours p99',
          'ours / peer',
        ],
        rows,
      ),
      '',
      table(
        ['', 'peer', 'ours', 'ours / peer'],
        [
          [
            'first step (open), p50',
            ms(first.peer.p50),
            ms(first.ours.p50),
            fmt(first.ours.p50 / first.peer.p50),
          ],
          [
            'last step (done 4), p50',
            ms(last.peer.p50),
            ms(last.ours.p50),
            fmt(last.ours.p50 / last.peer.p50),
          ],
          ['all steps, p50', ms(all.peer.p50), ms(all.ours.p50), fmt(all.ours.p50 / all.peer.p50)],
          ['all steps, p99', ms(all.peer.p99), ms(all.ours.p99), fmt(all.ours.p99 / all.peer.p99)],
          [
            'CPU (% of one core, mean of phases)',
            fmt(mean(phases.peer.map((p) => p.cpuPercent)), 1),
            fmt(mean(phases.ours.map((p) => p.cpuPercent)), 1),
            '',
          ],
          [
            'RSS after the last phase',
            mb(lastPhase('peer')?.rss ?? Number.NaN),
            mb(lastPhase('ours')?.rss ?? Number.NaN),
            fmt((lastPhase('ours')?.rss ?? Number.NaN) / (lastPhase('peer')?.rss ?? Number.NaN)),
          ],
          [
            'dropped / wrong answers',
            `${count('peer', 'dropped')} / ${count('peer', 'errors')}`,
            `${count('ours', 'dropped')} / ${count('ours', 'errors')}`,
            '',
          ],
          [
            'not offered (no free user)',
            String(count('peer', 'starved')),
            String(count('ours', 'starved')),
            '',
          ],
        ],
      ),
      '',
      `Ours faster at the first and last step: ${verdict(first.ours.p50 <= first.peer.p50 && last.ours.p50 <= last.peer.p50)} (no target was set; this says whether ours is at most the peer's p50 at both). Fake API violations: ours ${ours.fake.violations.length}, peer ${peer.fake.violations.length}.`,
      '',
    ].join('\n');
  } finally {
    await stopAll(contenders);
    scratch.cleanup();
  }
});
