import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths of values that must never reach a log line (tokens, secrets). */
export const redactedPaths = [
  'token',
  '*.token',
  'config.TELEGRAM_BOT_TOKEN',
  'config.DISCORD_BOT_TOKEN',
  'TELEGRAM_BOT_TOKEN',
  'DISCORD_BOT_TOKEN',
  'headers.authorization',
  '*.headers.authorization',
];

/**
 * Creates the process logger: JSON lines on standard error (so the terminal walkthrough on
 * standard output stays clean), with secrets redacted.
 */
export function createLogger(level: string, destination = 2): Logger {
  return pino(
    { level, redact: { paths: redactedPaths, censor: '[redacted]' } },
    pino.destination(destination),
  );
}
