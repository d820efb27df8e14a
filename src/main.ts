import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCatalog, CatalogError } from './app/catalog-loader.js';
import { ConfigError, loadConfig, type Config } from './app/config.js';
import { createI18n } from './app/i18n.js';
import { createLocalizer } from './app/localize.js';
import { createLogger, type Logger } from './app/logger.js';
import { createWalkthroughService, type WalkthroughService } from './app/service.js';
import { runConsole } from './bots/console/console-bot.js';
// The platform adapters are imported when configured (below): a bot on one platform does not
// load the other's library, nor the terminal walkthrough either (memory, start-up time).
import type { ShardedDiscord } from './bots/discord/sharding.js';
import { DiscordStartError } from './bots/discord/start-error.js';
import { createDispatcher } from './app/dispatcher.js';
import { startHttpServer, type HttpServer, type MetricsSource } from './app/http-server.js';
import type { Metrics } from './app/metrics.js';
import { createUpdateTracker } from './app/updates.js';
import type { Database } from 'better-sqlite3';
import { randomRef } from './app/refs.js';
import { createFloodGuard } from './app/flood-guard.js';
import { createRetentionSweep } from './app/retention.js';
import type { Messenger } from './app/messenger.js';
import { queueGuideChanges } from './app/guide-changes.js';
import type { Catalog } from './core/catalog.js';
import type { Store } from './core/ports.js';
import type { Intervals } from './core/schedule.js';
import { longIntervalMs } from './core/schedule.js';
import { supportedLanguages } from './locales/index.js';
import { DatabaseTooNewError, openDatabase } from './store/database.js';
import { createSqliteStore } from './store/sqlite-store.js';

/** Where the guide files are, next to `src/`. */
export const guidesDirectory = fileURLToPath(new URL('../data/guides', import.meta.url));

/** Per-user flood control: 6 requests in 3 s is plenty for a person clicking through steps. */
const floodLimits = { limit: 6, windowMs: 3_000, quietMs: 5_000 };

/** Errors that are the operator's to fix: shown as one clear message, without a stack trace. */
const expected = [ConfigError, CatalogError, DatabaseTooNewError, DiscordStartError];

/** The argument that makes this program one Discord shard process (see `runDiscordShard`). */
const shardFlag = 'discord-shard';

/**
 * The composition root: reads the configuration, loads the guides, opens the database, builds
 * the application service and starts the adapters. With no platform token, the walkthrough
 * runs in the terminal. With `--discord-shard`, this is one of the shard processes started by
 * the sharding manager (DISCORD_SHARDS), and runs only the Discord adapter.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      lang: { type: 'string' },
      guide: { type: 'string', default: 'x-grok' },
      [shardFlag]: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(env);
  // discord.js names the shard of a process it started in SHARDS.
  const shard = values[shardFlag] ? Number(env['SHARDS']) : undefined;
  const root = createLogger(config.LOG_LEVEL);
  const log = shard === undefined ? root : root.child({ shard });
  const catalog = loadCatalog(guidesDirectory);
  if (
    values.lang !== undefined &&
    !(supportedLanguages as readonly string[]).includes(values.lang)
  ) {
    throw new ConfigError([
      `--lang ${values.lang} is not available: choose one of ${supportedLanguages.join(', ')}`,
    ]);
  }
  if (catalog.get(values.guide) === undefined) {
    throw new ConfigError([
      `--guide ${values.guide} is not a guide: choose one of ${catalog.guides.map((g) => g.id).join(', ')}`,
    ]);
  }
  const db = openDatabase(config.DATABASE_PATH);
  const store = createSqliteStore(db);
  const i18n = createI18n(catalog);
  const service = createWalkthroughService({
    store,
    catalog,
    now: () => Date.now(),
    intervals: { default: config.REMINDER_INTERVAL, long: longIntervalMs },
    languages: supportedLanguages,
    newRef: randomRef,
  });
  try {
    if (values[shardFlag]) return await runDiscordShard({ config, log, service, i18n, catalog });
    if (config.TELEGRAM_BOT_TOKEN === undefined && config.DISCORD_BOT_TOKEN === undefined) {
      log.debug(
        { database: config.DATABASE_PATH },
        'no platform token: starting the terminal walkthrough',
      );
      await runConsole({
        service,
        localizer: createLocalizer(i18n, 'words'),
        input: process.stdin,
        output: process.stdout,
        guideId: values.guide,
        ...(values.lang !== undefined ? { language: values.lang } : {}),
        ...(env['LANG'] ? { locale: env['LANG'] } : {}),
      });
      return 0;
    }
    const intervals = { default: config.REMINDER_INTERVAL, long: longIntervalMs };
    return await runBots({ config, log, service, i18n, store, catalog, intervals, db });
  } finally {
    store.close();
  }
}

/**
 * One shard process of the sharding manager: the Discord adapter alone, on the shared database,
 * counting into its own metrics, which it sends to the manager for `/metrics`.
 */
async function runDiscordShard(deps: {
  config: Config;
  log: Logger;
  service: WalkthroughService;
  i18n: ReturnType<typeof createI18n>;
  catalog: Catalog;
}): Promise<number> {
  const { config, log } = deps;
  const { processChannel, runShard } = await import('./bots/discord/shard.js');
  const channel = processChannel();
  if (channel === undefined || config.DISCORD_BOT_TOKEN === undefined) {
    throw new ConfigError([
      `--${shardFlag} is for the processes the bot starts itself when DISCORD_SHARDS is set: start the bot without it`,
    ]);
  }
  // The manager asks its shards for their metrics whenever /metrics is read.
  const { countingEvents, createMetrics } = await import('./app/metrics.js');
  const metrics = createMetrics();
  return runShard({
    discord: {
      token: config.DISCORD_BOT_TOKEN,
      apiUrl: config.DISCORD_API_URL,
      ...(config.DISCORD_GUILD_ID === undefined ? {} : { guildId: config.DISCORD_GUILD_ID }),
      service: countingEvents(deps.service, metrics),
      localizer: createLocalizer(deps.i18n, 'discord'),
      catalog: deps.catalog,
      languages: supportedLanguages,
      log,
      flood: createFloodGuard({ ...floodLimits, now: Date.now }),
    },
    tracker: createUpdateTracker({ log, metrics }),
    metrics,
    channel,
    log,
  });
}

/**
 * Runs the configured platform adapters until a shutdown signal (exit code 0) or a fatal
 * platform error such as a second instance on the same Telegram token (exit code 1).
 */
async function runBots(deps: {
  config: Config;
  log: Logger;
  service: WalkthroughService;
  i18n: ReturnType<typeof createI18n>;
  store: Store;
  catalog: Catalog;
  intervals: Intervals;
  db: Database;
}): Promise<number> {
  const { config, log, i18n, store, catalog, db } = deps;
  // Metrics are for /metrics: with no HTTP_PORT nothing can read them, so nothing counts them
  // (and prom-client is not even loaded).
  const counting = config.HTTP_PORT === undefined ? undefined : await import('./app/metrics.js');
  const metrics: Metrics | undefined = counting?.createMetrics({
    pending: counting.pendingReminders(db),
  });
  const service =
    counting && metrics ? counting.countingEvents(deps.service, metrics) : deps.service;
  const tracker = createUpdateTracker({ log, ...(metrics ? { metrics } : {}) });
  const running: {
    name: string;
    stop: () => Promise<void>;
    stopped: Promise<void>;
    connected: () => boolean;
  }[] = [];
  const ping = db.prepare('SELECT 1');
  /** The Discord shard processes, with DISCORD_SHARDS: they count Discord's updates. */
  let shards: ShardedDiscord | undefined;
  let http: HttpServer | undefined;
  if (config.HTTP_PORT !== undefined && metrics !== undefined) {
    const own = metrics.registry;
    const allMetrics: MetricsSource =
      config.DISCORD_SHARDS === undefined
        ? own
        : {
            contentType: own.contentType,
            metrics: async () => {
              const { AggregatorRegistry } = await import('prom-client');
              return AggregatorRegistry.aggregate([
                await own.getMetricsAsJSON(),
                ...((await shards?.metrics()) ?? []),
              ]).metrics();
            },
          };
    http = await startHttpServer({
      port: config.HTTP_PORT,
      host: config.HTTP_HOST,
      log,
      registry: allMetrics,
      health: () => {
        const problems: string[] = [];
        try {
          ping.get();
        } catch (error) {
          problems.push(`database: ${error instanceof Error ? error.message : 'not answering'}`);
        }
        for (const bot of running)
          if (!bot.connected()) problems.push(`${bot.name}: not connected`);
        if (running.length === 0) problems.push('starting');
        return problems;
      },
    });
  }
  /** How each running platform receives reminders. */
  const messengers: Messenger[] = [];
  const queued = await queueGuideChanges(store, catalog, Date.now());
  if (queued > 0) log.info({ queued }, 'guides changed: re-check reminders queued');
  if (config.TELEGRAM_BOT_TOKEN !== undefined) {
    const { startTelegram } = await import('./bots/telegram/start.js');
    const { createTelegramMessenger } = await import('./bots/telegram/messenger.js');
    const telegram = await startTelegram({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      service,
      localizer: createLocalizer(i18n, 'words'),
      languages: supportedLanguages,
      log,
      flood: createFloodGuard({ ...floodLimits, now: Date.now }),
      tracker,
      ...(config.TELEGRAM_WEBHOOK_URL !== undefined &&
      config.TELEGRAM_WEBHOOK_SECRET !== undefined &&
      http !== undefined
        ? {
            webhook: {
              url: config.TELEGRAM_WEBHOOK_URL,
              secret: config.TELEGRAM_WEBHOOK_SECRET,
              server: http,
            },
          }
        : {}),
    }).catch(async (error: unknown) => {
      await http?.close();
      throw error;
    });
    running.push({ name: 'telegram', ...telegram });
    messengers.push(
      createTelegramMessenger({
        token: config.TELEGRAM_BOT_TOKEN,
        apiRoot: config.TELEGRAM_API_ROOT,
        localizer: createLocalizer(i18n, 'words'),
      }),
    );
  }
  if (config.DISCORD_BOT_TOKEN !== undefined) {
    const localizer = createLocalizer(i18n, 'discord');
    const { createDiscordMessenger, createReminderRest } =
      await import('./bots/discord/messenger.js');
    try {
      if (config.DISCORD_SHARDS === undefined) {
        const { startDiscord } = await import('./bots/discord/discord-bot.js');
        const discord = await startDiscord({
          token: config.DISCORD_BOT_TOKEN,
          apiUrl: config.DISCORD_API_URL,
          ...(config.DISCORD_GUILD_ID === undefined ? {} : { guildId: config.DISCORD_GUILD_ID }),
          service,
          localizer,
          catalog,
          languages: supportedLanguages,
          log,
          flood: createFloodGuard({ ...floodLimits, now: Date.now }),
          tracker,
        });
        running.push({ name: 'discord', ...discord, connected: () => discord.client.isReady() });
      } else {
        // One process per gateway shard, each running this program with --discord-shard; this
        // process keeps everything that must run once (reminders, retention, HTTP, Telegram).
        const { startDiscordShards } = await import('./bots/discord/sharding.js');
        shards = await startDiscordShards({
          token: config.DISCORD_BOT_TOKEN,
          apiUrl: config.DISCORD_API_URL,
          ...(config.DISCORD_GUILD_ID === undefined ? {} : { guildId: config.DISCORD_GUILD_ID }),
          shards: config.DISCORD_SHARDS,
          entry: { file: fileURLToPath(import.meta.url), args: [`--${shardFlag}`] },
          localizer,
          languages: supportedLanguages,
          log,
        });
        running.push({ name: 'discord', ...shards });
      }
      // Reminders use their own REST client, which reports a 429 instead of waiting it out, so
      // the dispatcher alone decides when to send again (and its lease never runs out waiting).
      const rest = createReminderRest({
        apiUrl: config.DISCORD_API_URL,
        token: config.DISCORD_BOT_TOKEN,
      });
      messengers.push(createDiscordMessenger({ rest, localizer }));
    } catch (error) {
      // Leave nothing running behind a failed start, or the process would not exit.
      await Promise.all(running.map((bot) => bot.stop().catch(() => undefined)));
      await http?.close();
      throw error;
    }
  }
  const dispatcher = createDispatcher({
    store,
    catalog,
    messengers,
    rates: {
      telegram: { perSecond: config.TELEGRAM_RATE, perChatMs: 1000 },
      discord: { perSecond: config.DISCORD_RATE, perChatMs: 1000 },
    },
    intervals: deps.intervals,
    log,
    batch: config.REMINDER_BATCH,
    leaseMs: config.REMINDER_LEASE,
    onPass: (platform, stats) => metrics?.observeDispatch(platform, stats),
  });
  dispatcher.start();
  const retention = createRetentionSweep({
    store,
    retentionMs: config.RETENTION,
    everyMs: 86_400_000,
    now: Date.now,
    log,
  });
  retention.start();
  const signal = new Promise<'signal'>((resolve) => {
    process.once('SIGINT', () => resolve('signal'));
    process.once('SIGTERM', () => resolve('signal'));
  });
  const failure = Promise.race(
    running.map((bot) =>
      bot.stopped.then(
        () => ({ bot: bot.name, error: undefined as unknown }),
        (error: unknown) => ({ bot: bot.name, error }),
      ),
    ),
  );
  const outcome = await Promise.race([signal, failure]);
  log.info('stopping: no new updates; waiting for those in flight (at most 10 s)');
  retention.stop();
  // Bots stop taking updates and finish those in flight while the dispatcher gives back its
  // reminder leases; the database closes (in main) only after both.
  await Promise.all([
    dispatcher.stop(),
    ...running.map((bot) =>
      bot.stop().catch((error: unknown) => log.warn({ err: error, bot: bot.name }, 'stop failed')),
    ),
  ]);
  await http?.close();
  if (outcome === 'signal') {
    log.info('stopped on signal');
    return 0;
  }
  if (outcome.error === undefined) return 0;
  const message =
    outcome.error instanceof Error ? outcome.error.message : `${outcome.bot} stopped unexpectedly`;
  log.fatal({ bot: outcome.bot }, message);
  process.stderr.write(`${message}\n`);
  return 1;
}

const isEntryPoint =
  process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isEntryPoint) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (expected.some((type) => error instanceof type)) {
        process.stderr.write(`${(error as Error).message}\n`);
      } else {
        process.stderr.write(
          `Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
      }
      process.exitCode = 1;
    },
  );
}
