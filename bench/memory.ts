/**
 * Benchmark 3: memory after start-up.
 *
 * The real bot, compiled and started as the container image does (`npm run start:prod`), on a database of
 * 1,000,000 users, with the Discord client connected to the fake gateway serving 1,000 servers;
 * then the same serving `/healthz` and `/metrics` (HTTP_PORT), and with Telegram polling as
 * well; for scale, an idle Node process; and, for
 * reference, the bot as `npm start` runs it while developing (through the `tsx` loader).
 */
import { join } from 'node:path';
import type { FakeGuildSpec } from '../tests/fakes/discord/index.js';
import { startFakeDiscord } from '../tests/fakes/discord/index.js';
import { startFakeTelegram } from '../tests/fakes/telegram/server.js';
import { waitForQuiet } from './lib/machine-load.js';
import { log, machine, runPart, size, smoke } from './lib/part.js';
import { buildBot } from './lib/build.js';
import { memory, root, sleep, startNode, startTs, type Child } from './lib/proc.js';
import { oursDatabase, scratchDir } from './lib/seed.js';
import { fmt, mb, table, verdict } from './lib/stats.js';

const config = {
  users: size(1_000_000, 2_000),
  guilds: size(1_000, 20),
  channelsPerGuild: 10,
  /** When memory is first read after start-up (timers and first sweeps have run). */
  earlyMs: size(10_000, 500),
  /**
   * When it is read again, settled: V8 returns the garbage of start-up (parsing the guides and
   * 1,000 servers' payloads) only once the process idles, by its memory reducer's collections,
   * some 10 to 30 s after start-up here.
   */
  settleMs: size(60_000, 1_000),
};

/** `count` servers with `channelsPerGuild` text channels each, snowflake-like ids. */
function servers(count: number): FakeGuildSpec[] {
  return Array.from({ length: count }, (_, g) => ({
    id: String(500_000_000_000_000_000n + BigInt(g)),
    name: `Community ${g + 1}`,
    channels: Array.from({ length: config.channelsPerGuild }, (__, c) => ({
      id: String(600_000_000_000_000_000n + BigInt(g * 100 + c)),
      name: `channel-${c + 1}`,
    })),
  }));
}

/** The same idle process as `bench/lib/idle.ts`, as plain JavaScript for plain Node. */
const idleScript =
  "const t = setInterval(() => undefined, 60000); process.stderr.write('idle: ready\\n'); process.once('SIGTERM', () => clearInterval(t));";

interface Reading {
  readonly name: string;
  readonly startupMs: number;
  /** RSS `earlyMs` after ready. */
  readonly early: number;
  /** RSS `settleMs` after ready. */
  readonly rss: number;
  readonly peak: number;
}

/** Starts a process, waits for `ready` lines, lets it settle, reads its memory, stops it. */
async function measure(
  name: string,
  start: () => Child,
  ready: readonly RegExp[],
): Promise<Reading> {
  const started = performance.now();
  const child = start();
  try {
    for (const pattern of ready) await child.waitForLine(pattern, 180_000);
    const startupMs = performance.now() - started;
    await sleep(config.earlyMs);
    const early = memory(child.pid).rss;
    await sleep(config.settleMs - config.earlyMs);
    const { rss, peak } = memory(child.pid);
    log(
      `${name}: RSS ${mb(early)} after ${config.earlyMs / 1000} s, ${mb(rss)} after ${config.settleMs / 1000} s (peak ${mb(peak)}), ready after ${Math.round(startupMs)} ms`,
    );
    return { name, startupMs, early, rss, peak };
  } finally {
    await child.stop();
  }
}

runPart('memory', async () => {
  const scratch = scratchDir('memory');
  try {
    const databasePath = await oursDatabase(scratch.dir, config.users);
    const built = buildBot();
    const source = join(root, 'src', 'main.ts');
    const discord = await startFakeDiscord({
      token: 'bench-discord-token-0123456789',
      guilds: servers(config.guilds),
    });
    const telegram = await startFakeTelegram();
    const discordEnv = {
      DISCORD_BOT_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      DATABASE_PATH: databasePath,
      LOG_LEVEL: 'info',
    };
    const connected = /discord: connected/;
    const quiet = await waitForQuiet();
    try {
      const readings = [
        await measure('idle Node, no loader (no bot)', () => startNode(['-e', idleScript], {}), [
          /idle: ready/,
        ]),
        await measure('ours, Discord', () => startNode(built, discordEnv), [connected]),
        await measure(
          'ours, Discord, with HTTP_PORT (/healthz, /metrics)',
          () => startNode(built, { ...discordEnv, HTTP_PORT: '0' }),
          [connected],
        ),
        await measure(
          'ours, Discord + Telegram',
          () =>
            startNode(built, {
              ...discordEnv,
              TELEGRAM_BOT_TOKEN: telegram.token,
              TELEGRAM_API_ROOT: telegram.apiRoot,
            }),
          [connected, /telegram: polling for updates/],
        ),
        await measure(
          'ours, Discord, through tsx (`npm start`)',
          () => startTs(source, discordEnv),
          [connected],
        ),
      ];
      const target = readings[1];
      return [
        `## 3. Memory after start-up${smoke ? ' (smoke size: not a measurement)' : ''}`,
        '',
        `Machine: ${machine()}. ${config.users.toLocaleString('en')} users in the database; the fake gateway serves ${config.guilds.toLocaleString('en')} servers of ${config.channelsPerGuild} text channels each (and only the @everyone role: real servers have more roles, which discord.js caches). Memory read ${config.earlyMs / 1000} s after the bot said it was connected, and again, settled, after ${config.settleMs / 1000} s (the target is judged on the settled reading). Other programs used ${fmt(quiet, 0)} % of a core just before (memory hardly depends on it; start-up time does).`,
        '',
        table(
          [
            'process',
            `RSS after ${config.earlyMs / 1000} s`,
            `RSS after ${config.settleMs / 1000} s`,
            'peak RSS (VmHWM)',
            'start-up to ready',
          ],
          readings.map((r) => [
            r.name,
            mb(r.early),
            mb(r.rss),
            mb(r.peak),
            `${fmt(r.startupMs / 1000, 1)} s`,
          ]),
        ),
        '',
        `Target (< 100 MB with Discord connected, settled): ${target ? `${mb(target.rss)}, ${verdict(target.rss < 100 * 1024 * 1024)} (${mb(target.early)} after ${config.earlyMs / 1000} s)` : 'n/a'}.`,
        '',
      ].join('\n');
    } finally {
      await discord.close();
      await telegram.close();
    }
  } finally {
    scratch.cleanup();
  }
});
