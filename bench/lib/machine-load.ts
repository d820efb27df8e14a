import { readFileSync } from 'node:fs';
import { log, smoke } from './part.js';
import { cpuMs, sleep } from './proc.js';

/**
 * The whole machine's CPU use, from /proc/stat, so that a run can tell when other programs
 * (tests, builds, other benchmarks) shared the machine with it: their CPU is the machine's
 * minus the benchmark's own processes. On a virtual machine, the time the host gave this
 * machine's CPUs to something else (`steal`) is counted apart: it is not a program here, and
 * it slows every process of the run alike.
 */

/** CPU time of the whole machine so far, in milliseconds (all cores added up). */
function machineCpuMs(): { readonly busy: number; readonly steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = [user, nice, system, irq, softirq].reduce<number>((a, b) => a + (b ?? 0), 0);
  return { busy: busy * 10, steal: (steal ?? 0) * 10 }; // USER_HZ = 100
}

/** This process's CPU time so far, in milliseconds. */
const selfMs = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

/**
 * Measures, over a span, the CPU used by everything on the machine except this process and
 * the processes `pids()` names (the benchmark's own), in % of one core; the host's steal is
 * not in it (see {@link stealMeter}).
 */
export function othersMeter(pids: () => readonly number[]): { stop(): number } {
  const ours = () => selfMs() + pids().reduce((sum, pid) => sum + safeCpuMs(pid), 0);
  const machine0 = machineCpuMs().busy;
  const ours0 = ours();
  const wall0 = performance.now();
  return {
    stop() {
      const others = machineCpuMs().busy - machine0 - (ours() - ours0);
      return Math.max(0, (others / (performance.now() - wall0)) * 100);
    },
  };
}

/**
 * Measures, over a span, the CPU time the host took from this virtual machine (`steal` in
 * /proc/stat: a CPU of this machine had work but the host ran something else), in % of one
 * core. 0 on a machine that is not virtual, or whose host does not report it.
 */
export function stealMeter(): { stop(): number } {
  const steal0 = machineCpuMs().steal;
  const wall0 = performance.now();
  return {
    stop: () => ((machineCpuMs().steal - steal0) / (performance.now() - wall0)) * 100,
  };
}

function safeCpuMs(pid: number): number {
  try {
    return cpuMs(pid);
  } catch {
    return 0; // the process has exited
  }
}

/**
 * Waits (up to `maxWaitMs`, not in the smoke run) until other programs use less than
 * `quietPercent` of one core over 3 s, so that measurements are not taken on a busy machine.
 * Returns the other programs' CPU in the last window; the caller reports it.
 */
export async function waitForQuiet(maxWaitMs = 60_000, quietPercent = 25): Promise<number> {
  const deadline = performance.now() + (smoke ? 0 : maxWaitMs);
  let announced = false;
  for (;;) {
    const meter = othersMeter(() => []);
    await sleep(3_000);
    const others = meter.stop();
    if (others < quietPercent || performance.now() >= deadline) {
      if (others >= quietPercent && !smoke) {
        log(
          `the machine is still busy (others use ${others.toFixed(0)} % of a core): measuring anyway`,
        );
      }
      return others;
    }
    if (!announced) {
      log(`other programs use ${others.toFixed(0)} % of a core: waiting for a quiet machine`);
      announced = true;
    }
  }
}
