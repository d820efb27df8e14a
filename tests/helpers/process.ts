import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The repository root, where `npm start` runs. */
export const root = join(import.meta.dirname, '..', '..');

/** How a bot process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the bot as `npm start` does, as a real process (`node --import tsx src/main.ts`, so
 * signals reach the bot itself), with only the given environment. `input` is typed in;
 * `control` receives the child to signal it. Killed with SIGKILL after `timeoutMs`.
 */
export function runBot(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  options: { input?: string; control?: (child: ChildProcess) => void; timeoutMs?: number } = {},
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', LANG: 'C', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`timed out; stdout so far:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
    options.control?.(child);
  });
}

/**
 * Runs the bot (see {@link runBot}) while `scenario` drives it; the bot gets SIGTERM when the
 * scenario ends. If the scenario fails, the bot is killed (SIGKILL) and, once it has exited,
 * the scenario's error is thrown.
 */
export async function runScenario(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  scenario: (child: ChildProcess) => Promise<void>,
  options: { input?: string; timeoutMs?: number } = {},
): Promise<Exit> {
  let failure: { readonly error: unknown } | undefined;
  const exit = await runBot(args, env, {
    ...options,
    control: (child) => {
      scenario(child).then(
        () => child.kill('SIGTERM'),
        (error: unknown) => {
          failure = { error };
          child.kill('SIGKILL');
        },
      );
    },
  });
  if (failure) throw failure.error;
  return exit;
}
