import { spawn } from 'node:child_process';
import { cpus, setPriority, totalmem } from 'node:os';

/** Progress lines of the benchmarks, on standard error (standard output carries the report). */
export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Whether this run is the CI smoke (tiny sizes, a few seconds) rather than the full run. */
export const smoke = process.argv.includes('--smoke');

/** Picks the full or smoke value. */
export const size = <T>(full: T, tiny: T): T => (smoke ? tiny : full);

/** One line describing the machine, for the reports. */
export function machine(): string {
  const memory = `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`;
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${memory} RAM, Node ${process.version}`;
}

/** Exit code of a part that could not run for a reason outside the project (no Redis). */
export const skippedExitCode = 3;

/**
 * Runs a benchmark part: prints its Markdown report on standard output, and exits non-zero
 * only if the part could not run (an exception: 1; skipped, with the reason printed: 3),
 * never because a target was missed.
 */
export function runPart(name: string, body: () => Promise<string | { skipped: string }>): void {
  const started = performance.now();
  log(`${name}: starting${smoke ? ' (smoke size)' : ''}`);
  raisePriority();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${name}: stopped by ${signal}`);
      process.exit(130); // 'exit' handlers stop the processes this part started
    });
  }
  body().then(
    (report) => {
      if (typeof report !== 'string') {
        process.stdout.write(`${report.skipped}\n`);
        log(`${name}: ${report.skipped.trim().split('\n').at(-1) ?? 'skipped'}`);
        process.exit(skippedExitCode);
      }
      process.stdout.write(`${report}\n`);
      log(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(
        `[bench] ${name} FAILED TO RUN: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

/**
 * V8 flags of the driver: this process, which runs the fakes and the simulated users (and
 * stands for the platforms' servers and the users' phones, which are not on the bot's
 * machine). The fakes keep each chat's messages, so much of what the driver allocates lives
 * for a user's thinking time and dies in the old generation: at 500 updates/s V8 ran four to six
 * full collections a minute on it, whose helper threads took CPU from the bot on 2 cores (the
 * slow episodes of part 1 began near them). With a 1 GB initial old generation the driver runs
 * a phase without one. It is a limit, not memory taken: the heap grows only as far as the run's
 * garbage goes (V8's sampling heap profiler counted about 400 MB promoted over a focused run of
 * `buttons.ts`). The bots keep the flags of `npm run start:prod`.
 */
export const driverFlags: readonly string[] = ['--initial-old-space-size=1024'];

/**
 * {@link runPart} for a part whose process only drives bots running in processes of their own,
 * with {@link driverFlags}. A part that runs our code in its own process (the reminder claim
 * and dispatch) uses `runPart`, with Node's defaults.
 */
export function runDriverPart(
  name: string,
  body: () => Promise<string | { skipped: string }>,
): void {
  if (!relaunchedWithDriverFlags()) runPart(name, body);
}

/**
 * Runs this part again with {@link driverFlags} when the process was started without them
 * (`npx tsx bench/<part>.ts` as well as `npm run bench`: V8 reads them only at start-up, and
 * Node refuses them in `NODE_OPTIONS`). Returns whether it did; this process then only waits
 * for the new one, passes signals on, and exits with its code.
 */
function relaunchedWithDriverFlags(): boolean {
  const missing = driverFlags.filter((flag) => !process.execArgv.includes(flag));
  if (missing.length === 0) return false;
  const args = [...process.execArgv, ...missing, ...process.argv.slice(1)];
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.once('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 130)));
  return true;
}

/** The niceness the benchmark runs at when allowed (children inherit it). */
export const benchNiceness = -10;

/**
 * Raises this process's priority (its children, the bots, inherit it), so that other programs
 * on a shared machine disturb the measurements less. Needs root (or CAP_SYS_NICE); without it
 * the run goes on at normal priority, and says so.
 */
function raisePriority(): void {
  if (smoke) return;
  try {
    setPriority(benchNiceness);
  } catch {
    log(`could not raise the priority to nice ${benchNiceness}: running at normal priority`);
  }
}

/** A deterministic pseudo-random sequence in [0, 1). */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** `count` distinct seeded-user indexes in [0, users) accepted by `keep`, spread at random. */
export function pickUsers(
  users: number,
  count: number,
  keep: (index: number) => boolean,
  seed = 7,
): number[] {
  const random = seededRandom(seed);
  const picked = new Set<number>();
  for (let tries = 0; picked.size < count && tries < count * 200; tries += 1) {
    const index = Math.floor(random() * users);
    if (keep(index)) picked.add(index);
  }
  if (picked.size < count) throw new Error(`could not pick ${count} users out of ${users}`);
  return [...picked];
}
