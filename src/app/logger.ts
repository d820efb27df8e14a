import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type pinoPretty from 'pino-pretty';

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
 * Creates the process logger on standard error (so the terminal walkthrough on standard output
 * stays clean), with secrets redacted: JSON lines, or human-readable lines when standard error
 * is a terminal (`pretty`, by default when `destination` is 2 and a TTY).
 */
export function createLogger(
  level: string,
  destination = 2,
  prettyLines = destination === 2 && process.stderr.isTTY,
): Logger {
  const options = { level, redact: { paths: redactedPaths, censor: '[redacted]' } };
  if (prettyLines) {
    // Loaded only for a terminal: a bot in a container writes JSON and needs none of it.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof pinoPretty;
    // Synchronous, in this thread: no worker to lose lines from when the process exits.
    return pino(options, pretty({ destination, sync: true, translateTime: 'SYS:HH:MM:ss' }));
  }
  return pino(options, pino.destination(destination));
}
