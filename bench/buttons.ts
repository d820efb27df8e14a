/**
 * A focused, shorter version of benchmark 1's alternating phases: ours against the floor at a
 * moderate rate, then each bot at a higher rate to read the CPU each update costs. For checking
 * a change to update handling without the full `bench:updates` run (no 500 updates/s phases).
 * Both bots first take the same JIT warm-up as in `updates.ts` (400 updates/s, not measured).
 *
 *   npx tsx bench/buttons.ts [--users 1000000] [--rounds 4] [--seconds 12] [--rate 50]
 *                            [--cpu-rate 200] [--cpu-seconds 15] [--cpu-users 1000]
 *                            [--jit-seconds 20]
 *
 * Same bots, fakes, simulated users and latency definition as `bench/updates.ts` (see
 * `bench/README.md`, part 1). Prints a Markdown summary on standard output.
 */
import { mean, phase, startContender, stopAll, type Contender } from './lib/contenders.js';
import { waitForQuiet } from './lib/machine-load.js';
import { log, machine, pickUsers, runDriverPart } from './lib/part.js';
import { isFresh, oursDatabase, scratchDir, telegramId } from './lib/seed.js';
import { fmt, ms, summarize, table } from './lib/stats.js';
import { firstLatencies, screenLatencies, type UpdateRecord } from './lib/telegram-load.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

const config = {
  users: option('users', 1_000_000),
  latencyUsers: 150,
  cpuUsers: option('cpu-users', 1_000),
  /** Users of the JIT warm-up (as in `updates.ts`), which takes `jitRate` for `jitMs`. */
  jitUsers: 1_500,
  jitRate: 400,
  jitMs: option('jit-seconds', 20) * 1000,
  thinkMs: 2_000,
  rounds: option('rounds', 4),
  rate: option('rate', 50),
  durationMs: option('seconds', 12) * 1000,
  warmupMs: 2_000,
  cpuRate: option('cpu-rate', 200),
  cpuMs: option('cpu-seconds', 15) * 1000,
  drainMs: 10_000,
};

runDriverPart('buttons', async () => {
  const scratch = scratchDir('buttons');
  const contenders: Contender[] = [];
  try {
    const databasePath = await oursDatabase(scratch.dir, config.users);
    const picked = pickUsers(
      config.users,
      config.latencyUsers + config.cpuUsers + config.jitUsers,
      (i) => !isFresh(i),
    ).map(telegramId);
    const latencyIds = picked.slice(0, config.latencyUsers);
    const cpuIds = picked.slice(config.latencyUsers, config.latencyUsers + config.cpuUsers);
    const jitIds = picked.slice(config.latencyUsers + config.cpuUsers);
    const ours = await startContender('ours', { databasePath, token: '111111:OURS-BUTTONS' });
    contenders.push(ours);
    const floor = await startContender('floor', { databasePath, token: '222222:FLOOR-BUTTONS' });
    contenders.push(floor);
    const drivers = new Map(
      [ours, floor].map((who) => [
        who,
        {
          latency: who.users(latencyIds, 'cycle', config.thinkMs),
          cpu: who.users(cpuIds, 'cycle', config.thinkMs),
          jit: who.users(jitIds, 'cycle', config.thinkMs),
        },
      ]),
    );
    const driversOf = (who: Contender) => {
      const found = drivers.get(who);
      if (found === undefined) throw new Error(`no users for ${who.name}`);
      return found;
    };
    const quiet = await waitForQuiet();
    for (const who of [floor, ours]) {
      await phase(who, driversOf(who).jit, {
        name: 'JIT warm-up',
        rate: config.jitRate,
        durationMs: config.jitMs,
        warmupMs: 0,
        drainMs: config.drainMs,
      });
    }
    for (const who of [floor, ours]) {
      await phase(who, driversOf(who).latency, {
        name: 'warm-up',
        rate: config.rate,
        durationMs: 5_000,
        warmupMs: 0,
        drainMs: config.drainMs,
      });
    }
    const records: Record<'floor' | 'ours', UpdateRecord[]> = { floor: [], ours: [] };
    const cpu: Record<'floor' | 'ours', number[]> = { floor: [], ours: [] };
    const others: number[] = [];
    for (let round = 0; round < config.rounds; round += 1) {
      for (const who of round % 2 === 0 ? [floor, ours] : [ours, floor]) {
        const measured = await phase(who, driversOf(who).latency, {
          name: `round ${round + 1}`,
          rate: config.rate,
          durationMs: config.durationMs,
          warmupMs: config.warmupMs,
          drainMs: config.drainMs,
        });
        records[who.name as 'floor' | 'ours'].push(...measured.outcome.measured);
        cpu[who.name as 'floor' | 'ours'].push(measured.cpuPercent);
        others.push(measured.othersCpuPercent);
      }
    }
    const perUpdate: string[][] = [];
    for (const who of [floor, ours]) {
      const measured = await phase(who, driversOf(who).cpu, {
        name: 'cpu',
        rate: config.cpuRate,
        durationMs: config.cpuMs,
        warmupMs: 0,
        drainMs: config.drainMs,
      });
      const s = summarize(screenLatencies(measured.outcome.measured));
      const updates = measured.outcome.records.length;
      const cpuMsPerUpdate = ((measured.cpuPercent / 100) * config.cpuMs) / Math.max(1, updates);
      perUpdate.push([
        who.name,
        String(updates),
        fmt(measured.cpuPercent, 0),
        ms(cpuMsPerUpdate),
        ms(s.p50),
        ms(s.p99),
        String(measured.outcome.dropped),
        String(measured.outcome.errors),
        fmt(measured.othersCpuPercent, 0),
        fmt(measured.stealCpuPercent, 0),
      ]);
    }
    const screen = {
      floor: summarize(screenLatencies(records.floor)),
      ours: summarize(screenLatencies(records.ours)),
    };
    const first = summarize(firstLatencies(records.ours));
    const errors = (who: 'floor' | 'ours') => records[who].filter((r) => r.error).length;
    const row = (name: string, s: typeof first) => [
      name,
      String(s.n),
      ms(s.p50),
      ms(s.p95),
      ms(s.p99),
      ms(s.max),
    ];
    log(`done; other programs used ${fmt(quiet, 0)} % before, ${fmt(mean(others), 0)} % during`);
    return [
      `## Buttons: ours against the floor (${machine()})`,
      '',
      `${config.users.toLocaleString('en')} users in the database; ${config.rounds} alternating rounds of ${config.durationMs / 1000} s at ${config.rate} updates/s (first ${config.warmupMs / 1000} s not counted). Other programs: ${fmt(quiet, 0)} % of a core before, ${fmt(mean(others), 0)} % on average during the rounds.`,
      '',
      table(
        ['bot', 'updates', 'p50', 'p95', 'p99', 'max'],
        [row('floor', screen.floor), row('ours', screen.ours), row('ours, first call', first)],
      ),
      '',
      `ours / floor: p50 ${fmt(screen.ours.p50 / screen.floor.p50)}, p99 ${fmt(screen.ours.p99 / screen.floor.p99)}. CPU (% of a core, mean of rounds): floor ${fmt(mean(cpu.floor), 1)}, ours ${fmt(mean(cpu.ours), 1)}. Wrong answers: floor ${errors('floor')}, ours ${errors('ours')}.`,
      '',
      `At ${config.cpuRate} updates/s for ${config.cpuMs / 1000} s:`,
      '',
      table(
        [
          'bot',
          'updates',
          'CPU %',
          'CPU per update',
          'p50',
          'p99',
          'dropped',
          'wrong',
          'others %',
          'steal %',
        ],
        perUpdate,
      ),
      '',
    ].join('\n');
  } finally {
    await stopAll(contenders);
    scratch.cleanup();
  }
});
