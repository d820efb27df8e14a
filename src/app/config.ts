import { z } from 'zod';
import { dayMs, parseDuration } from '../core/schedule.js';

/** A configuration value is missing or malformed: the message says which and how to fix it. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

const optional = (schema: z.ZodString) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const url = (name: string) =>
  z
    .string()
    .url(`${name} must be a full address such as https://example.org`)
    .transform((value) => value.replace(/\/+$/, ''));

/** A duration such as `30d`, parsed to milliseconds, with a message that shows examples. */
const duration = (name: string, examples: string) =>
  z.string().transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${name}="${value}" is not a duration: use a number and a unit, like ${examples}`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** A whole number in [min, max] given as text, with a message that says the range. */
const whole = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]+$/, `${name} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `${name} must be at least ${min}`)
        .max(max, `${name} must be at most ${max}`),
    );

const schema = z.object({
  DATABASE_PATH: z.string().min(1).default('data/optout.sqlite'),
  REMINDER_INTERVAL: duration('REMINDER_INTERVAL', '45s, 10m, 12h or 30d').default(30 * dayMs),
  REMINDER_LEASE: duration('REMINDER_LEASE', '30s or 2m').default(60_000),
  RETENTION: duration('RETENTION', '548d (18 months)').default(548 * dayMs),
  REMINDER_BATCH: whole('REMINDER_BATCH', 1, 1000).default(100),
  TELEGRAM_RATE: whole('TELEGRAM_RATE', 1, 1000).default(25),
  DISCORD_RATE: whole('DISCORD_RATE', 1, 50).default(5),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  TELEGRAM_BOT_TOKEN: optional(
    z
      .string()
      .regex(
        /^[0-9]+:[A-Za-z0-9_-]+$/,
        'TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters): copy it again from @BotFather',
      ),
  ),
  TELEGRAM_API_ROOT: url('TELEGRAM_API_ROOT').default('https://api.telegram.org'),
  DISCORD_BOT_TOKEN: optional(
    z
      .string()
      .regex(
        /^[A-Za-z0-9._-]{20,}$/,
        'DISCORD_BOT_TOKEN does not look like a bot token: copy it again from the Developer Portal (Bot › Reset Token)',
      ),
  ),
  DISCORD_API_URL: url('DISCORD_API_URL').default('https://discord.com/api'),
  DISCORD_GUILD_ID: optional(
    z.string().regex(/^[0-9]{15,21}$/, 'DISCORD_GUILD_ID must be a server id (15 to 21 digits)'),
  ),
  DISCORD_SHARDS: optional(z.string()).pipe(
    z
      .union([z.literal('auto'), whole('DISCORD_SHARDS', 1, 4096)], {
        message: 'DISCORD_SHARDS must be auto or a number of shards from 1 to 4096',
      })
      .optional(),
  ),
  HTTP_PORT: optional(z.string()).pipe(whole('HTTP_PORT', 0, 65535).optional()),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  TELEGRAM_WEBHOOK_URL: optional(
    z
      .string()
      .regex(
        /^https:\/\/[^\s/]+(\/\S*)?$/,
        'TELEGRAM_WEBHOOK_URL must be the public https:// address Telegram posts to, such as https://bot.example.org/telegram',
      ),
  ),
  TELEGRAM_WEBHOOK_SECRET: optional(
    z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{16,256}$/,
        'TELEGRAM_WEBHOOK_SECRET must be 16 to 256 letters, digits, _ or -: generate one with `openssl rand -hex 32`',
      ),
  ),
});

/** Settings that only make sense together. */
const combined = schema.superRefine((config, ctx) => {
  const webhook = [config.TELEGRAM_WEBHOOK_URL, config.TELEGRAM_WEBHOOK_SECRET];
  if (webhook.some((value) => value !== undefined) && webhook.some((value) => value === undefined))
    ctx.addIssue({
      code: 'custom',
      message: 'Telegram webhook mode needs both TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET',
    });
  if (config.TELEGRAM_WEBHOOK_URL !== undefined && config.HTTP_PORT === undefined)
    ctx.addIssue({
      code: 'custom',
      message: 'TELEGRAM_WEBHOOK_URL needs HTTP_PORT: the port your reverse proxy forwards to',
    });
});

/** The validated configuration. */
export type Config = z.output<typeof schema>;

/**
 * Reads the configuration from environment variables (see `.env.example`).
 *
 * @throws ConfigError with one line per problem, each saying how to fix it.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const result = combined.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => issue.message));
}
