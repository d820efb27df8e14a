/**
 * Benchmark 5: the reminder queue, ours (SQLite, leased claims) against BullMQ delayed jobs on
 * a local Redis. Each trial runs in its own process: enqueue 100,000 reminders, then time until
 * all of them, now due, have fired. Trials alternate (ours, BullMQ, ours, BullMQ, …).
 *
 * Redis: Debian's `redis-server`, installed with apt-get when missing, started here on
 * 127.0.0.1 on a free port without persistence, and stopped by its pid at the end. When it
 * cannot be installed, this part says so and exits with code 3 (skipped), not 0 or 1.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { log, machine, runPart, size, smoke } from './lib/part.js';
import { othersMeter, waitForQuiet } from './lib/machine-load.js';
import { cpuMs, root, startTs } from './lib/proc.js';
import { queueDatabase, scratchDir } from './lib/seed.js';
import { fmt, median, table } from './lib/stats.js';

const config = {
  count: size(100_000, 500),
  rounds: size(2, 1),
  /** The worker concurrency of the tuned BullMQ variant. */
  tunedConcurrency: 50,
};

/** This part could not run for a reason outside the project (exit code 3). */
class Skipped extends Error {}

function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Finds `redis-server`, installing Debian's package if it is missing. */
function ensureRedis(): string {
  if (commandExists('redis-server')) return 'redis-server';
  if (!commandExists('apt-get')) {
    throw new Skipped('redis-server is not installed and apt-get is not available');
  }
  log('redis-server is missing: apt-get update && apt-get install -y redis-server');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { env, encoding: 'utf8', timeout: 300_000 });
  const install =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', 'redis-server'], {
          env,
          encoding: 'utf8',
          timeout: 300_000,
        })
      : update;
  if (install.status !== 0 || !commandExists('redis-server')) {
    const why = `${install.stderr ?? ''}`.trim().split('\n').slice(-3).join(' / ');
    throw new Skipped(`redis-server could not be installed with apt-get (${why || 'no output'})`);
  }
  return 'redis-server';
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts Redis on loopback without persistence; resolves once it accepts connections. */
async function startRedis(
  binary: string,
  dir: string,
): Promise<{ port: number; process: ChildProcess; pid: number }> {
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start redis-server');
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${output}`)),
      20_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}):\n${output}`));
    });
  });
  log(`redis-server ${redisVersion(binary)} on 127.0.0.1:${port} (pid ${pid})`);
  return { port, process: child, pid };
}

function redisVersion(binary: string): string {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout;
  return /v=(\S+)/.exec(out)?.[1] ?? 'unknown';
}

interface TrialResult {
  readonly enqueueMs: number;
  readonly fireMs: number;
  readonly fired: number;
  readonly outcome: 'done' | 'timeout';
  readonly cpuMs: number;
  /** Redis's CPU time during the trial (BullMQ only). */
  readonly redisCpuMs: number;
  /** Other programs' CPU during the trial, in % of one core. */
  readonly othersCpuPercent: number;
}

/** Runs one trial script in its own process and reads its `RESULT` line. */
async function trial(
  file: string,
  env: Record<string, string>,
  redisPid: number,
): Promise<TrialResult> {
  const redis0 = cpuMs(redisPid);
  const child = startTs(join(root, 'bench', 'queue', file), env);
  const others = othersMeter(() => [child.pid, redisPid]);
  const code = await child.exited;
  const othersCpuPercent = others.stop();
  const line = child.lines.find((l) => l.startsWith('RESULT '));
  if (code !== 0 || line === undefined) {
    throw new Error(`${file} failed (exit ${code}):\n${child.lines.slice(-20).join('\n')}`);
  }
  const result = JSON.parse(line.slice('RESULT '.length)) as Omit<
    TrialResult,
    'redisCpuMs' | 'othersCpuPercent'
  >;
  if (result.outcome !== 'done' || result.fired < Number(env['COUNT'])) {
    throw new Error(`${file}: only ${result.fired} of ${env['COUNT']} reminders fired`);
  }
  return { ...result, redisCpuMs: cpuMs(redisPid) - redis0, othersCpuPercent };
}

type Variant = 'ours' | 'bullmq' | 'bullmqTuned';
const labels: Record<Variant, string> = {
  ours: 'ours (SQLite, leased claims, one dispatcher)',
  bullmq: 'BullMQ, worker concurrency 1 (its default)',
  bullmqTuned: `BullMQ, worker concurrency ${config.tunedConcurrency}`,
};

runPart('peer-queue', async () => {
  const scratch = scratchDir('peer-queue');
  let redis: { process: ChildProcess; pid: number; port: number } | undefined;
  try {
    const binary = ensureRedis();
    redis = await startRedis(binary, scratch.dir);
    const others = await waitForQuiet();
    const results: Record<Variant, TrialResult[]> = { ours: [], bullmq: [], bullmqTuned: [] };
    const count = String(config.count);
    const port = String(redis.port);
    for (let round = 0; round < config.rounds; round += 1) {
      const order: Variant[] =
        round % 2 === 0 ? ['ours', 'bullmq', 'bullmqTuned'] : ['bullmqTuned', 'bullmq', 'ours'];
      for (const variant of order) {
        for (let attempt = 1; ; attempt += 1) {
          let result: TrialResult;
          if (variant === 'ours') {
            const path = await queueDatabase(scratch.dir, config.count);
            result = await trial('ours-trial.ts', { DB_PATH: path, COUNT: count }, redis.pid);
          } else {
            const concurrency = variant === 'bullmq' ? '1' : String(config.tunedConcurrency);
            const env = { REDIS_PORT: port, COUNT: count, CONCURRENCY: concurrency };
            result = await trial('bullmq-trial.ts', env, redis.pid);
          }
          log(
            `${variant} round ${round + 1}: enqueue ${fmt(result.enqueueMs / 1000)} s, ` +
              `all fired after ${fmt(result.fireMs / 1000)} s, others ${fmt(result.othersCpuPercent, 0)} %`,
          );
          if (smoke || result.othersCpuPercent <= 120 || attempt >= 3) {
            results[variant].push(result);
            break;
          }
          log('other programs used much CPU: trial discarded, running it again');
          await waitForQuiet(60_000);
        }
      }
    }
    const med = (variant: Variant, pick: (r: TrialResult) => number) =>
      median(results[variant].map(pick));
    const total = (r: TrialResult) => r.enqueueMs + r.fireMs;
    const rows = (Object.keys(labels) as Variant[]).map((variant) => [
      labels[variant],
      `${fmt(med(variant, (r) => r.enqueueMs) / 1000)} s`,
      `${fmt(med(variant, (r) => r.fireMs) / 1000)} s`,
      `${fmt(med(variant, total) / 1000)} s`,
      fmt(config.count / (med(variant, (r) => r.fireMs) / 1000), 0),
      `${fmt(med(variant, (r) => r.cpuMs) / 1000, 1)} s + Redis ${fmt(med(variant, (r) => r.redisCpuMs) / 1000, 1)} s`,
    ]);
    const ratio = (variant: Variant, pick: (r: TrialResult) => number) =>
      fmt(med('ours', pick) / med(variant, pick));
    return [
      `## 5. Peer: the reminder queue, ours against BullMQ${smoke ? ' (smoke size: not a measurement)' : ''}`,
      '',
      `Machine: ${machine()}; Redis ${redisVersion(binary)} on loopback, no persistence; BullMQ and ioredis as locked in package-lock.json. ${config.count.toLocaleString('en')} reminders enqueued one by one (ours: one transaction each; BullMQ: one \`queue.add\` with a 1 ms delay each), then timed until all had fired (ours: the real dispatcher, unthrottled, with a counting messenger; BullMQ: a worker whose processor counts). Median of ${config.rounds} alternating rounds, each trial in a fresh process. Other programs used ${fmt(others, 0)} % of a core just before the trials, and ${fmt(
        Math.max(
          ...Object.values(results)
            .flat()
            .map((r) => r.othersCpuPercent),
        ),
        0,
      )} % at most during a kept trial (a trial during which they used more than 120 % is run again, up to 3 tries).`,
      '',
      table(['queue', 'enqueue', 'all fired after', 'total', 'fired per second', 'CPU time'], rows),
      '',
      table(
        ['ours / peer (time; below 1 means ours is faster)', 'enqueue', 'fire', 'total'],
        (['bullmq', 'bullmqTuned'] as const).map((variant) => [
          labels[variant],
          ratio(variant, (r) => r.enqueueMs),
          ratio(variant, (r) => r.fireMs),
          ratio(variant, total),
        ]),
      ),
      '',
    ].join('\n');
  } catch (error) {
    if (!(error instanceof Skipped)) throw error;
    const message = `SKIPPED: ${error.message}. This part needs Debian's redis-server.`;
    return { skipped: `## 5. Peer: the reminder queue\n\n${message}\n` };
  } finally {
    if (redis !== undefined && redis.process.exitCode === null) {
      const exited = new Promise((resolve) => redis?.process.once('exit', resolve));
      process.kill(redis.pid, 'SIGTERM');
      await exited;
      log(`redis-server stopped (pid ${redis.pid})`);
    }
    scratch.cleanup();
  }
});
