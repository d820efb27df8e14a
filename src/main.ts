import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCatalog, CatalogError } from './app/catalog-loader.js';
import { ConfigError, loadConfig } from './app/config.js';
import { createI18n } from './app/i18n.js';
import { createLocalizer } from './app/localize.js';
import { createLogger } from './app/logger.js';
import { createWalkthroughService } from './app/service.js';
import { runConsole } from './bots/console/console-bot.js';
import { longIntervalMs } from './core/schedule.js';
import { supportedLanguages } from './locales/index.js';
import { DatabaseTooNewError, openDatabase } from './store/database.js';
import { createSqliteStore } from './store/sqlite-store.js';

/** Where the guide files are, next to `src/`. */
export const guidesDirectory = fileURLToPath(new URL('../data/guides', import.meta.url));

/** Errors that are the operator's to fix: shown as one clear message, without a stack trace. */
const expected = [ConfigError, CatalogError, DatabaseTooNewError];

/**
 * The composition root: reads the configuration, loads the guides, opens the database, builds
 * the application service and starts the adapters. With no platform token, the walkthrough
 * runs in the terminal.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { lang: { type: 'string' }, guide: { type: 'string', default: 'x-grok' } },
    allowPositionals: false,
  });
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(env);
  const log = createLogger(config.LOG_LEVEL);
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
  });
  try {
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
    log.error(
      'The Telegram and Discord adapters are not part of this build yet; unset the tokens to use the terminal.',
    );
    return 1;
  } finally {
    store.close();
  }
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
