import type { Logger } from '../../app/logger.js';
import type { Metrics } from '../../app/metrics.js';
import type { UpdateTracker } from '../../app/updates.js';
import { startDiscord, type DiscordOptions } from './discord-bot.js';
import { describeError } from './errors.js';
import { asShardMessage, shardFatalExitCode, type ShardMessage } from './shard-ipc.js';

/** The IPC channel to the sharding manager (the `process` of a forked child). */
export interface ShardChannel {
  send(message: ShardMessage): Promise<void>;
  onMessage(listener: (message: unknown) => void): void;
  /** Called when the manager is gone (it exited or closed the channel). */
  onDisconnect(listener: () => void): void;
  /** Closes the channel, so nothing keeps this process alive once the bot has stopped. */
  disconnect(): void;
}

/** The channel of this process, forked by the manager; undefined when not forked with IPC. */
export function processChannel(): ShardChannel | undefined {
  if (process.send === undefined) return undefined;
  return {
    send: (message) =>
      new Promise<void>((resolve, reject) => {
        if (!process.connected) return reject(new Error('the sharding manager is gone'));
        process.send?.(message, undefined, undefined, (error: Error | null) =>
          error ? reject(error) : resolve(),
        );
      }),
    onMessage: (listener) => void process.on('message', listener),
    onDisconnect: (listener) => void process.once('disconnect', listener),
    disconnect: () => {
      if (process.connected) process.disconnect();
    },
  };
}

/** What one shard process runs: the Discord adapter and nothing else. */
export interface ShardOptions {
  /** The adapter's options; the commands are left to the manager. */
  readonly discord: Omit<DiscordOptions, 'registerCommands' | 'tracker'>;
  readonly tracker: UpdateTracker;
  /** This process's metrics, sent to the manager when it asks (it serves `/metrics`). */
  readonly metrics: Metrics;
  readonly channel: ShardChannel;
  readonly log: Logger;
}

/**
 * Runs one gateway shard in a process started by the sharding manager (see `sharding.ts`): no
 * reminders, retention sweep, HTTP server or Telegram, which the manager runs once. Answers the
 * manager's metrics requests. Stops on SIGTERM or SIGINT, or when the manager is gone, the way
 * the single process does (interactions in flight finish, at most 10 s).
 *
 * @returns 0 after a requested stop; {@link shardFatalExitCode} when Discord refused the shard at
 *   start or ended its session for good (the manager is told why, and does not start it again).
 */
export async function runShard(options: ShardOptions): Promise<number> {
  const { channel, log } = options;
  channel.onMessage((message) => {
    const request = asShardMessage(message);
    if (request?.type !== 'optout:metrics?') return;
    options.metrics.registry
      .getMetricsAsJSON()
      .then((metrics) => channel.send({ type: 'optout:metrics', id: request.id, metrics }))
      .catch((error: unknown) =>
        log.warn({ err: describeError(error) }, 'discord: could not send metrics to the manager'),
      );
  });
  const quit = new Promise<'signal' | 'orphaned'>((resolve) => {
    process.once('SIGINT', () => resolve('signal'));
    process.once('SIGTERM', () => resolve('signal'));
    channel.onDisconnect(() => resolve('orphaned'));
  });
  /** Tells the manager (and the log) why this shard must not be started again. */
  const fatal = async (error: unknown): Promise<number> => {
    const message = error instanceof Error ? error.message : String(error);
    log.fatal(message);
    await channel.send({ type: 'optout:fatal', message }).catch(() => undefined);
    return shardFatalExitCode;
  };
  try {
    let bot;
    try {
      bot = await startDiscord({
        ...options.discord,
        tracker: options.tracker,
        registerCommands: false,
      });
    } catch (error) {
      return await fatal(error);
    }
    const outcome = await Promise.race([
      quit,
      bot.stopped.then(
        () => ({ error: undefined as unknown }),
        (error: unknown) => ({ error }),
      ),
    ]);
    if (outcome === 'orphaned') log.warn('discord: the sharding manager is gone; stopping');
    log.info('stopping: no new updates; waiting for those in flight (at most 10 s)');
    await bot.stop();
    if (typeof outcome === 'object' && outcome.error !== undefined)
      return await fatal(outcome.error);
    log.info('stopped');
    return 0;
  } finally {
    channel.disconnect();
  }
}
