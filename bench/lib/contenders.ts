import { startFakeTelegram, type FakeTelegram } from '../../tests/fakes/telegram/server.js';
import { othersMeter, stealMeter, waitForQuiet } from './machine-load.js';
import { log, smoke } from './part.js';
import { buildBenchBots, buildBot } from './build.js';
import {
  cpuMeter,
  fullCollectionsMeter,
  memory,
  selfCpuMeter,
  startNode,
  type Child,
} from './proc.js';
import { fmt, mb, ms, summarize } from './stats.js';
import { LoadDriver, screenLatencies, type PhaseOutcome, type Script } from './telegram-load.js';

/** The Telegram bots the benchmarks compare. */
export type BotKind = 'ours' | 'floor' | 'peer';

/** A bot in its own process and its own fake Bot API. */
export interface Contender {
  readonly name: BotKind;
  readonly fake: FakeTelegram;
  readonly child: Child;
  /** From spawning the process to its first long poll. */
  readonly startupMs: number;
  /** Simulated users (Telegram ids) for this bot; each set of users is driven on its own. */
  users(ids: readonly number[], script: Script, thinkMs: number): LoadDriver;
  /** Stops the users, the process and the fake. */
  close(): Promise<void>;
}

/** One phase of load on one contender, with the process's CPU use and memory. */
export interface Measured {
  readonly outcome: PhaseOutcome;
  /** The bot process's CPU time over the phase, in % of one core. */
  readonly cpuPercent: number;
  /** This process's (the fake and the simulated users) CPU, in % of one core. */
  readonly driverCpuPercent: number;
  /** This process's full garbage collections during the phase. */
  readonly driverFullCollections: number;
  readonly rss: number;
  readonly peak: number;
  /** CPU used meanwhile by other programs on the machine, in % of one core. */
  readonly othersCpuPercent: number;
  /** CPU time the host took from this virtual machine meanwhile, in % of one core. */
  readonly stealCpuPercent: number;
  /** Connections the bot opened to its fake during the phase. */
  readonly connections: number;
}

let built: { ours: string[]; floor: string[]; peer: string[] } | undefined;
/** Every contender compiled once per run, started with the same Node flags (`start:prod`). */
function compiled(): { ours: string[]; floor: string[]; peer: string[] } {
  if (built === undefined) {
    const ours = buildBot();
    built = { ours, ...buildBenchBots(ours) };
  }
  return built;
}

/**
 * Starts a bot against a fresh fake Bot API and waits for its first long poll. Each is compiled
 * and started as `npm run start:prod` starts ours (see `build.ts`):
 * - `ours`: `src/main.ts`, on the database at `databasePath`;
 * - `floor`: `bench/floor-bot.ts`, which answers every update with one message;
 * - `peer`: `bench/peers/walkthrough-bot.ts` on the peer database at `databasePath`.
 */
export async function startContender(
  name: BotKind,
  options: { readonly token: string; readonly databasePath: string },
): Promise<Contender> {
  const args = compiled();
  // The simulated users read calls as they come; a kept log would grow the driver's heap (and
  // its GC pauses, which delay the fake's timestamps) with every call of a phase.
  const fake = await startFakeTelegram({ token: options.token, keepCalls: false });
  const started = performance.now();
  const api = { BOT_TOKEN: fake.token, API_ROOT: fake.apiRoot };
  const child =
    name === 'ours'
      ? startNode(args.ours, {
          TELEGRAM_BOT_TOKEN: fake.token,
          TELEGRAM_API_ROOT: fake.apiRoot,
          DATABASE_PATH: options.databasePath,
          LOG_LEVEL: 'info',
        })
      : name === 'floor'
        ? startNode(args.floor, api)
        : startNode(args.peer, { ...api, PEER_DB: options.databasePath });
  const ready = { ours: /polling for updates/, floor: /floor: polling/, peer: /peer: polling/ };
  await child.waitForLine(ready[name], 180_000);
  await fake.waitForPoll(30_000);
  const startupMs = performance.now() - started;
  const drivers: LoadDriver[] = [];
  log(`${name}: polling after ${Math.round(startupMs)} ms (pid ${child.pid})`);
  return {
    name,
    fake,
    child,
    startupMs,
    users(ids, script, thinkMs) {
      const driver = new LoadDriver(fake, ids, {
        script,
        forged: name === 'floor',
        pressAnswer: name === 'floor' ? 'sendmessage' : 'editmessagetext',
        thinkMs,
      });
      drivers.push(driver);
      return driver;
    },
    close: async () => {
      for (const driver of drivers) driver.close();
      await child.stop();
      await fake.close();
    },
  };
}

/** A phase during which other programs used more than this (% of one core) is run again. */
const noisyPercent = 120;
const maxTries = 3;

/**
 * Runs one phase of load from `driver`'s users on a contender and measures its process. A
 * phase during which other programs used much CPU is discarded and run again (up to 3 tries,
 * after waiting for a quiet machine); the last try is kept whatever happened, and reports the
 * other programs' CPU.
 */
export async function phase(
  who: Contender,
  driver: LoadDriver,
  run: {
    readonly name: string;
    readonly rate: number;
    readonly durationMs: number;
    readonly warmupMs: number;
    readonly drainMs: number;
  },
): Promise<Measured> {
  for (let attempt = 1; ; attempt += 1) {
    const measured = await measurePhase(who, driver, run);
    // A phase shared with other programs or with the host's other guests is not this bot's.
    const shared = measured.othersCpuPercent + measured.stealCpuPercent;
    if (smoke || shared <= noisyPercent || attempt >= maxTries) return measured;
    log(
      `${who.name} ${run.name}: other programs and the host took ${fmt(shared, 0)} % of a core: discarded, running it again`,
    );
    await waitForQuiet(60_000);
  }
}

async function measurePhase(
  who: Contender,
  driver: LoadDriver,
  run: Parameters<typeof phase>[2],
): Promise<Measured> {
  const cpu = cpuMeter(who.child.pid);
  const self = selfCpuMeter();
  const fullCollections = fullCollectionsMeter();
  const others = othersMeter(() => [who.child.pid]);
  const steal = stealMeter();
  const connections0 = who.fake.connectionsOpened;
  const outcome = await driver.run(run);
  const connections = who.fake.connectionsOpened - connections0;
  const { cpuPercent } = cpu.stop();
  const driverCpuPercent = self.stop();
  const driverFullCollections = fullCollections.stop();
  const othersCpuPercent = others.stop();
  const stealCpuPercent = steal.stop();
  const { rss, peak } = memory(who.child.pid);
  const lat = summarize(screenLatencies(outcome.measured));
  log(
    `${who.name} ${run.name}: ${outcome.measured.length} updates, p50 ${ms(lat.p50)}, p99 ${ms(lat.p99)}, ` +
      `dropped ${outcome.dropped}, errors ${outcome.errors}, starved ${outcome.starved}, ` +
      `CPU ${fmt(cpuPercent, 0)} %, driver ${fmt(driverCpuPercent, 0)} % (${driverFullCollections} full GCs), others ${fmt(othersCpuPercent, 0)} %, steal ${fmt(stealCpuPercent, 0)} %, RSS ${mb(rss)}, ` +
      `connections opened ${connections}`,
  );
  return {
    outcome,
    cpuPercent,
    driverCpuPercent,
    driverFullCollections,
    rss,
    peak,
    othersCpuPercent,
    stealCpuPercent,
    connections,
  };
}

/** Stops the contenders' processes and fakes. */
export async function stopAll(contenders: readonly Contender[]): Promise<void> {
  for (const who of contenders) await who.close();
}

/** The arithmetic mean (0 for no values). */
export const mean = (values: readonly number[]): number =>
  values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
