/**
 * Benchmark 1: update handling, against the floor.
 *
 * The real bot (`src/main.ts`, as `npm start` runs it) on a database of 1,000,000 users, and a
 * trivial grammY bot (`bench/floor-bot.ts`), each in its own process and each against its own
 * fake Bot API (same code and options, in this process: two bots cannot poll one token).
 * Simulated users click through the X/Grok walkthrough. Phases alternate between the two bots
 * (floor, ours, ours, floor, …) at a moderate rate; then each takes 500 updates/s for 60 s.
 */
import { join } from 'node:path';
import { startFakeTelegram, type FakeTelegram } from '../tests/fakes/telegram/server.js';
import { log, machine, pickUsers, runPart, size, smoke } from './lib/part.js';
import { cpuMeter, memory, root, selfCpuMeter, startTs, type Child } from './lib/proc.js';
import { isFresh, oursDatabase, scratchDir, telegramId } from './lib/seed.js';
import { fmt, ms, mb, summarize, table, verdict, type Summary } from './lib/stats.js';
import {
  firstLatencies,
  LoadDriver,
  screenLatencies,
  scriptSteps,
  type PhaseOutcome,
  type UpdateRecord,
} from './lib/telegram-load.js';

const config = {
  users: size(1_000_000, 2_000),
  pool: size(3_000, 300),
  thinkMs: size(2_000, 500),
  latency: {
    rate: size(50, 20),
    rounds: size(5, 1),
    durationMs: size(12_000, 1_500),
    warmupMs: size(2_000, 300),
  },
  load: { rate: size(500, 60), durationMs: size(60_000, 1_500) },
  warmup: { rate: size(50, 20), durationMs: size(5_000, 500) },
  drainMs: 10_000,
};

interface Contender {
  readonly name: 'floor' | 'ours';
  readonly fake: FakeTelegram;
  readonly child: Child;
  readonly driver: LoadDriver;
  readonly startupMs: number;
}

interface Measured {
  readonly outcome: PhaseOutcome;
  readonly cpuPercent: number;
  readonly driverCpuPercent: number;
  readonly rss: number;
  readonly peak: number;
}

async function phase(
  who: Contender,
  name: string,
  rate: number,
  durationMs: number,
  warmupMs: number,
): Promise<Measured> {
  const cpu = cpuMeter(who.child.pid);
  const self = selfCpuMeter();
  const outcome = await who.driver.run({
    name,
    rate,
    durationMs,
    warmupMs,
    drainMs: config.drainMs,
  });
  const { cpuPercent } = cpu.stop();
  const { rss, peak } = memory(who.child.pid);
  const driverCpuPercent = self.stop();
  const lat = summarize(screenLatencies(outcome.measured));
  log(
    `${who.name} ${name}: ${outcome.measured.length} updates, p50 ${ms(lat.p50)}, p99 ${ms(lat.p99)}, ` +
      `dropped ${outcome.dropped}, errors ${outcome.errors}, starved ${outcome.starved}, CPU ${fmt(cpuPercent, 0)} %, RSS ${mb(rss)}`,
  );
  return { outcome, cpuPercent, driverCpuPercent, rss, peak };
}

async function startContender(
  name: 'floor' | 'ours',
  token: string,
  pool: readonly number[],
  databasePath: string,
): Promise<Contender> {
  const fake = await startFakeTelegram({ token });
  const started = performance.now();
  const child =
    name === 'ours'
      ? startTs(join(root, 'src', 'main.ts'), {
          TELEGRAM_BOT_TOKEN: fake.token,
          TELEGRAM_API_ROOT: fake.apiRoot,
          DATABASE_PATH: databasePath,
          LOG_LEVEL: 'info',
        })
      : startTs(join(root, 'bench', 'floor-bot.ts'), {
          BOT_TOKEN: fake.token,
          API_ROOT: fake.apiRoot,
        });
  await child.waitForLine(name === 'ours' ? /polling for updates/ : /floor: polling/, 120_000);
  await fake.waitForPoll(30_000);
  const startupMs = performance.now() - started;
  const driver = new LoadDriver(fake, pool, {
    script: 'cycle',
    forged: name === 'floor',
    pressAnswer: name === 'floor' ? 'sendmessage' : 'editmessagetext',
    thinkMs: config.thinkMs,
  });
  log(`${name}: polling after ${Math.round(startupMs)} ms (pid ${child.pid})`);
  return { name, fake, child, driver, startupMs };
}

const merge = (phases: readonly Measured[]): UpdateRecord[] =>
  phases.flatMap((p) => p.outcome.measured);
const mean = (values: readonly number[]): number =>
  values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

function latencyRow(name: string, s: Summary): string[] {
  return [name, String(s.n), ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)];
}

runPart('updates', async () => {
  const scratch = scratchDir('updates');
  const contenders: Contender[] = [];
  try {
    const databasePath = await oursDatabase(scratch.dir, config.users);
    const pool = pickUsers(config.users, config.pool, (i) => !isFresh(i)).map(telegramId);
    const ours = await startContender('ours', '111111:OURS-BENCH', pool, databasePath);
    contenders.push(ours);
    const floor = await startContender('floor', '222222:FLOOR-BENCH', pool, databasePath);
    contenders.push(floor);

    log('warming up both bots');
    for (const who of [floor, ours]) {
      await phase(who, 'warm-up', config.warmup.rate, config.warmup.durationMs, 0);
    }

    const latency: Record<'floor' | 'ours', Measured[]> = { floor: [], ours: [] };
    for (let round = 0; round < config.latency.rounds; round += 1) {
      const order = round % 2 === 0 ? [floor, ours] : [ours, floor];
      for (const who of order) {
        const { rate, durationMs, warmupMs } = config.latency;
        latency[who.name].push(await phase(who, `round ${round + 1}`, rate, durationMs, warmupMs));
      }
    }
    const load = {
      floor: await phase(floor, 'load', config.load.rate, config.load.durationMs, 0),
      ours: await phase(ours, 'load', config.load.rate, config.load.durationMs, 0),
    };

    const screen = {
      floor: summarize(screenLatencies(merge(latency.floor))),
      ours: summarize(screenLatencies(merge(latency.ours))),
    };
    const first = summarize(firstLatencies(merge(latency.ours)));
    const loadScreen = {
      floor: summarize(screenLatencies(load.floor.outcome.measured)),
      ours: summarize(screenLatencies(load.ours.outcome.measured)),
    };
    const loadFirst = summarize(firstLatencies(load.ours.outcome.measured));
    const byStep = scriptSteps.cycle.map((step) => {
      const of = (who: 'floor' | 'ours') =>
        summarize(screenLatencies(merge(latency[who]).filter((r) => r.step === step)));
      return [
        step,
        ms(of('floor').p50),
        ms(of('ours').p50),
        ms(of('floor').p99),
        ms(of('ours').p99),
      ];
    });
    const count = (who: 'floor' | 'ours', key: 'dropped' | 'errors' | 'starved') =>
      latency[who].reduce((n, p) => n + p.outcome[key], 0);
    const violations = (who: Contender) => who.fake.violations.length;
    const ratio50 = screen.ours.p50 / screen.floor.p50;
    const ratio99 = screen.ours.p99 / screen.floor.p99;
    const loadOk =
      load.ours.outcome.dropped === 0 &&
      load.ours.outcome.errors === 0 &&
      load.ours.outcome.starved === 0 &&
      loadScreen.ours.p99 < 50;
    const { rate, rounds, durationMs, warmupMs } = config.latency;

    return [
      `## 1. Update handling, against the floor${smoke ? ' (smoke size: not a measurement)' : ''}`,
      '',
      `Machine: ${machine()}. Users in the database: ${config.users.toLocaleString('en')}; simulated users: ${config.pool.toLocaleString('en')}, each waiting ${config.thinkMs} ms after an answer before the next click.`,
      `Start-up to the first long poll: ours ${fmt(ours.startupMs / 1000, 1)} s, floor ${fmt(floor.startupMs / 1000, 1)} s.`,
      '',
      `### Alternating phases: ${rate} updates/s, ${rounds} rounds of ${durationMs / 1000} s per bot (first ${warmupMs / 1000} s of each not counted)`,
      '',
      'Latency: from the `getUpdates` answer carrying the update leaving the fake to the call showing the answer arriving (`sendMessage` for a command; for a button, ours edits the message after `answerCallbackQuery`, the floor sends one message).',
      '',
      table(
        ['bot', 'updates', 'p50', 'p95', 'p99', 'max'],
        [
          latencyRow('floor', screen.floor),
          latencyRow('ours', screen.ours),
          latencyRow('ours, first call (answerCallbackQuery)', first),
        ],
      ),
      '',
      table(
        ['', 'ours / floor', 'target', ''],
        [
          ['p50', fmt(ratio50), '≤ 1.25', verdict(ratio50 <= 1.25)],
          ['p99', fmt(ratio99), '≤ 1.5', verdict(ratio99 <= 1.5)],
        ],
      ),
      '',
      table(
        ['', 'floor', 'ours'],
        [
          [
            'CPU (% of one core, mean of phases)',
            fmt(mean(latency.floor.map((p) => p.cpuPercent)), 1),
            fmt(mean(latency.ours.map((p) => p.cpuPercent)), 1),
          ],
          [
            'RSS after the last phase',
            mb(latency.floor.at(-1)?.rss ?? Number.NaN),
            mb(latency.ours.at(-1)?.rss ?? Number.NaN),
          ],
          [
            'dropped / wrong answers',
            `${count('floor', 'dropped')} / ${count('floor', 'errors')}`,
            `${count('ours', 'dropped')} / ${count('ours', 'errors')}`,
          ],
          [
            'driver + fakes CPU (%)',
            fmt(mean(latency.floor.map((p) => p.driverCpuPercent)), 1),
            fmt(mean(latency.ours.map((p) => p.driverCpuPercent)), 1),
          ],
        ],
      ),
      '',
      'By step (screen latency):',
      '',
      table(['step', 'floor p50', 'ours p50', 'floor p99', 'ours p99'], byStep),
      '',
      `### ${config.load.rate} updates/s offered for ${config.load.durationMs / 1000} s, each bot in turn`,
      '',
      table(
        [
          'bot',
          'updates',
          'p50',
          'p95',
          'p99',
          'max',
          'dropped',
          'wrong',
          'not offered',
          'CPU %',
          'RSS (peak)',
        ],
        (['floor', 'ours'] as const).map((who) => [
          who,
          String(load[who].outcome.measured.length),
          ms(loadScreen[who].p50),
          ms(loadScreen[who].p95),
          ms(loadScreen[who].p99),
          ms(loadScreen[who].max),
          String(load[who].outcome.dropped),
          String(load[who].outcome.errors),
          String(load[who].outcome.starved),
          fmt(load[who].cpuPercent, 0),
          `${mb(load[who].rss)} (${mb(load[who].peak)})`,
        ]),
      ),
      '',
      `Ours, first call: p50 ${ms(loadFirst.p50)}, p99 ${ms(loadFirst.p99)}. Ratio at this load: p50 ${fmt(loadScreen.ours.p50 / loadScreen.floor.p50)}, p99 ${fmt(loadScreen.ours.p99 / loadScreen.floor.p99)}.`,
      `Target (no update dropped, p99 < 50 ms): ${verdict(loadOk)}. Fake API violations: ours ${violations(ours)}, floor ${violations(floor)}.`,
      '',
    ].join('\n');
  } finally {
    for (const who of contenders) {
      who.driver.close();
      await who.child.stop();
      await who.fake.close();
    }
    scratch.cleanup();
  }
});
