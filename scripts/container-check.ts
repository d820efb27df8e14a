/**
 * The Dockerfile's steps, outside Docker (CI has no Docker engine): copy what the image copies
 * into a temporary directory, compile it, install the production dependencies, start the bot with the
 * image's CMD and environment against a fake Telegram, run the image's HEALTHCHECK command until
 * it passes, have a user start a walkthrough, then stop the bot with SIGTERM and expect exit 0.
 *
 * Run after `npm ci` (it uses the fake from tests/ and the better-sqlite3 binary that built).
 * Usage: `npm run container:check`. Exits 1 with the reason on the first failed step.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { talk } from '../tests/bots/telegram/harness.js';
import { startFakeTelegram } from '../tests/fakes/telegram/server.js';

const repo = join(import.meta.dirname, '..');
const dockerfile = readFileSync(join(repo, 'Dockerfile'), 'utf8');

/** The benchmarks measure `npm run start:prod`: it must be the image's command, flags and all. */
function checkStartProd(): void {
  const { scripts } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const startProd = scripts['start:prod'] ?? '';
  if (startProd !== execForm(/^CMD /).join(' ')) {
    throw new Error(`the Dockerfile's CMD and start:prod ("${startProd}") differ`);
  }
}

/** The JSON array after `CMD` on the last line matching `prefix` in the Dockerfile. */
function execForm(prefix: RegExp): string[] {
  const joined = dockerfile.replace(/\\\n\s*/g, ' ');
  const line = joined
    .split('\n')
    .filter((l) => prefix.test(l))
    .at(-1);
  const json = line?.slice(line.indexOf('CMD') + 3).trim();
  if (json === undefined) throw new Error(`Dockerfile: no line matching ${prefix}`);
  return JSON.parse(json) as string[];
}

/** The runtime stage's `ENV` values. */
function imageEnv(): Record<string, string> {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM ')).replace(/\\\n\s*/g, ' ');
  const env: Record<string, string> = {};
  for (const line of runtime.split('\n').filter((l) => l.startsWith('ENV '))) {
    for (const [, key, value] of line.matchAll(/([A-Z_]+)=(\S+)/g)) env[key!] = value!;
  }
  return env;
}

function step(name: string): void {
  process.stdout.write(`container-check: ${name}\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${result.status})`);
}

async function check(): Promise<void> {
  step('CMD is `npm run start:prod`, which the benchmarks measure');
  checkStartProd();
  const tmp = mkdtempSync(join(tmpdir(), 'optout-container-'));
  const app = join(tmp, 'opt', 'optout-bot');
  const volume = join(tmp, 'app', 'data');
  const fake = await startFakeTelegram();
  try {
    step(`COPY into ${app}`);
    mkdirSync(app, { recursive: true });
    const files = [
      'package.json',
      'package-lock.json',
      '.npmrc',
      'tsconfig.json',
      'tsconfig.build.json',
    ];
    for (const file of files) {
      cpSync(join(repo, file), join(app, file));
    }
    for (const path of ['src', 'scripts/backup.ts', 'data/guides']) {
      cpSync(join(repo, path), join(app, path), { recursive: true });
    }

    step('npm run build (in the image: before the dev dependencies are pruned)');
    // The compiler is a dev dependency: build with this checkout's, into the copy's dist/.
    run(
      process.execPath,
      [
        join(repo, 'node_modules/typescript/bin/tsc'),
        '-p',
        join(repo, 'tsconfig.build.json'),
        '--outDir',
        join(app, 'dist'),
      ],
      repo,
    );
    if (!existsSync(join(app, 'dist', 'main.js'))) throw new Error('no dist/main.js built');

    step('production install (npm ci + npm prune --omit=dev in the image)');
    // `npm ci --omit=dev` leaves the same tree as the image's `npm ci` then `npm prune
    // --omit=dev`. Scripts are skipped only to save CI the ~2 min native compile: the
    // better-sqlite3 binary comes from this checkout's `npm ci`, built from the same lock
    // file by the same Node on the same machine, which is what the build stage produces. The
    // image's type-check is `npm run typecheck`, which CI runs on the same sources.
    run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], app);
    cpSync(
      join(repo, 'node_modules/better-sqlite3/build'),
      join(app, 'node_modules/better-sqlite3/build'),
      { recursive: true },
    );
    for (const dev of ['vitest', 'eslint', 'prettier']) {
      if (existsSync(join(app, 'node_modules', dev))) throw new Error(`dev dependency ${dev} left`);
    }

    step('start with the image CMD and ENV, against a fake Telegram');
    mkdirSync(volume, { recursive: true });
    const port = await freePort();
    const env = {
      ...imageEnv(),
      PATH: process.env['PATH'] ?? '',
      HOME: tmp,
      DATABASE_PATH: join(volume, 'optout.sqlite'),
      HTTP_PORT: String(port),
      // Tests bind only the loopback address; the image binds 0.0.0.0.
      HTTP_HOST: '127.0.0.1',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
    };
    const [command, ...args] = execForm(/^CMD /);
    const bot = spawn(command!, args, { cwd: app, env, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    bot.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => bot.on('exit', (code) => resolve(code)));
    let failure: unknown;
    try {
      step('HEALTHCHECK until healthy (at most 60 s)');
      const [hcCommand, ...hcArgs] = execForm(/^HEALTHCHECK /);
      const deadline = Date.now() + 60_000;
      let healthy = false;
      while (!healthy && Date.now() < deadline && bot.exitCode === null) {
        healthy = spawnSync(hcCommand!, hcArgs, { env, timeout: 5_000 }).status === 0;
        if (!healthy) await new Promise((r) => setTimeout(r, 500));
      }
      if (!healthy) throw new Error(`never healthy; bot log:\n${stderr}`);

      step('a user starts a walkthrough');
      const reply = await talk(fake, fake.user({ id: 5, firstName: 'Ann' })).say('/grok_optout');
      if (!reply.text.includes('Step 1 of 4')) throw new Error(`unexpected reply: ${reply.text}`);
      if (!existsSync(env.DATABASE_PATH)) throw new Error('no database on the volume');

      step('npm run backup while running (as the README says to in the container)');
      const copy = join(volume, 'backup.sqlite');
      const backup = spawnSync('npm', ['run', 'backup', '--', copy], { cwd: app, env });
      if (backup.status !== 0 || !existsSync(copy)) {
        throw new Error(`backup failed: ${backup.stderr.toString()}`);
      }
    } catch (error) {
      failure = error;
    }
    {
      step('SIGTERM');
      if (bot.exitCode === null && bot.pid !== undefined) process.kill(bot.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (bot.pid !== undefined && bot.exitCode === null) process.kill(bot.pid, 'SIGKILL');
      }, 20_000);
      const code = await exited;
      clearTimeout(timer);
      if (failure !== undefined)
        throw failure instanceof Error ? failure : new Error('the check failed');
      if (code !== 0) throw new Error(`exit code ${code} after SIGTERM; bot log:\n${stderr}`);
    }
    step('ok');
  } finally {
    await fake.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

check().catch((error: unknown) => {
  process.stderr.write(
    `container-check failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
