import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from './part.js';
import { root } from './proc.js';

/**
 * Compiles `src/` to `dist/` (`npm run build`) and returns the Node arguments of `npm run
 * start:prod` (flags, then `dist/main.js`), so the benchmarks measure the bot as it runs in
 * production (the container image runs the same), not through the TypeScript loader that
 * `npm start` uses while developing.
 */
export function buildBot(): string[] {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
  }
  log(`built dist/ in ${Math.round(performance.now() - started)} ms`);
  const scripts = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const [command, ...args] = (scripts['start:prod'] ?? '').split(/\s+/);
  if (command !== 'node' || args.at(-1) !== 'dist/main.js') {
    throw new Error(`package.json: start:prod is not "node … dist/main.js"`);
  }
  return args.map((arg) => (arg === 'dist/main.js' ? join(root, 'dist', 'main.js') : arg));
}

/** Where the benchmark's own bots are compiled (inside the checkout, so packages resolve). */
const benchOut = join(root, 'node_modules', '.cache', 'optout-bench');

/**
 * Compiles the floor and the peer bots from `bench/` to plain JavaScript as well, so that every
 * contender runs the same way (the Node flags of `production`, from {@link buildBot}; no
 * loader), and returns each one's Node arguments.
 */
export function buildBenchBots(production: readonly string[]): { floor: string[]; peer: string[] } {
  const flags = production.slice(0, -1);
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      ...['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023'],
      ...['--ignoreConfig', '--types', 'node', '--skipLibCheck'],
      ...['--rootDir', 'bench', '--outDir', benchOut],
      join('bench', 'floor-bot.ts'),
      join('bench', 'peers', 'walkthrough-bot.ts'),
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`compiling the bench bots failed:\n${result.stdout}${result.stderr}`);
  }
  return {
    floor: [...flags, join(benchOut, 'floor-bot.js')],
    peer: [...flags, join(benchOut, 'peers', 'walkthrough-bot.js')],
  };
}
