import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** The repository root (where `npm start` runs). */
export const root = join(import.meta.dirname, '..', '..');

/** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on Linux everywhere). */
const ticksPerSecond = 100;

/** A process the benchmark started, with its output and a way to read its CPU time and memory. */
export interface Child {
  readonly pid: number;
  readonly process: ChildProcess;
  /** Standard output and error so far, line by line. */
  readonly lines: string[];
  /** Resolves with the first line (past or future) matching `pattern`; rejects after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  readonly exited: Promise<number | null>;
}

/**
 * Runs a TypeScript file as its own Node process (`node --import tsx FILE`, as `npm start`
 * does), so its CPU time and memory are its own. The environment is `env` plus PATH and HOME.
 */
export function startTs(
  file: string,
  env: Readonly<Record<string, string>>,
  args: readonly string[] = [],
): Child {
  return startNode(['--import', 'tsx', file, ...args], env);
}

/** Runs `node ARGS` as its own process (see {@link startTs}). */
export function startNode(
  nodeArgs: readonly string[],
  env: Readonly<Record<string, string>>,
): Child {
  const file = nodeArgs.at(-1) ?? 'node';
  const child = spawn(process.execPath, [...nodeArgs], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LANG: 'C', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${file}`);
  const pid = child.pid;
  // A benchmark that dies leaves no bot behind.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const lines: string[] = [];
  const waiters = new Set<(line: string) => void>();
  const onData = (() => {
    let partial = '';
    return (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        // Keep memory bounded on chatty processes: the last 2,000 lines are plenty.
        lines.push(line);
        if (lines.length > 2_000) lines.splice(0, lines.length - 2_000);
        for (const wake of [...waiters]) wake(line);
      }
    };
  })();
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    pid,
    process: child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs) {
      const past = lines.find((l) => pattern.test(l));
      if (past !== undefined) return Promise.resolve(past);
      return new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = (line: string) => {
          if (!pattern.test(line)) return;
          done();
          resolve(line);
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `${file}: no line matching ${pattern} within ${timeoutMs} ms; last lines:\n${lines.slice(-20).join('\n')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(wake);
        void exited.then((code) => {
          if (!waiters.has(wake)) return;
          done();
          reject(
            new Error(
              `${file} exited (${code}) before printing ${pattern}; last lines:\n${lines.slice(-20).join('\n')}`,
            ),
          );
        });
      });
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU time (user + system) of a process so far, in milliseconds, from /proc. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / ticksPerSecond;
}

/** Resident set size now (`VmRSS`) and its peak (`VmHWM`) in bytes, from /proc. */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

/** Measures a process's CPU use over a span: call `start` then `stop`. */
export function cpuMeter(pid: number): { stop(): { cpuPercent: number; wallMs: number } } {
  const cpu0 = cpuMs(pid);
  const wall0 = performance.now();
  return {
    stop() {
      const wallMs = performance.now() - wall0;
      return { cpuPercent: ((cpuMs(pid) - cpu0) / wallMs) * 100, wallMs };
    },
  };
}

/** This process's CPU use over a span, in % of one core. */
export function selfCpuMeter(): { stop(): number } {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  return {
    stop() {
      const used = process.cpuUsage(cpu0);
      return ((used.user + used.system) / 1000 / (performance.now() - wall0)) * 100;
    },
  };
}

/**
 * Counts this process's full (mark-compact) garbage collections over a span. The driver's are
 * reported with each phase: on 2 cores their helper threads take CPU from the bot.
 */
export function fullCollectionsMeter(): { stop(): number } {
  let count = 0;
  const add = (entries: readonly PerformanceEntry[]) => {
    for (const entry of entries) {
      // A 'gc' entry's detail is { kind, flags } (Node's docs; not in this version's types).
      const { detail } = entry as { detail?: { kind?: number } };
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) count += 1;
    }
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      add(observer.takeRecords());
      observer.disconnect();
      return count;
    },
  };
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
