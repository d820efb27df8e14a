import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import {
  REST,
  Routes,
  ShardingManager,
  type RESTGetCurrentApplicationResult,
  type RESTGetAPIGatewayBotResult,
  type Shard,
} from 'discord.js';
import type { Localizer } from '../../app/localize.js';
import type { Logger } from '../../app/logger.js';
import { checkCommands } from './discord-bot.js';
import { DiscordStartError, describeError, explainFatal } from './errors.js';
import { asShardMessage, shardFatalExitCode, type MetricsJson } from './shard-ipc.js';

/** What the sharding manager needs. */
export interface ShardedDiscordOptions {
  readonly token: string;
  /** Discord's REST base, without the version (`https://discord.com/api`). */
  readonly apiUrl: string;
  /** Registers the commands in this server only (see `DiscordOptions.guildId`). */
  readonly guildId?: string;
  /** `'auto'`: as many shards as Discord recommends; or a count. */
  readonly shards: 'auto' | number;
  /**
   * The module each shard process runs, with its arguments (the manager adds discord.js's
   * `SHARDS` and `SHARD_COUNT` to its environment). Runs under the same Node options as this
   * process (`process.execArgv`), so the TypeScript loader, if any, is used there too.
   */
  readonly entry: { readonly file: string; readonly args: readonly string[] };
  /** For the command definitions, registered once here rather than by every shard. */
  readonly localizer: Localizer;
  readonly languages: readonly string[];
  readonly log: Logger;
  /** How long a shard process may take to connect (default 60 s). */
  readonly readyTimeoutMs?: number;
}

/** The running shards, seen from the manager. */
export interface ShardedDiscord {
  /** How many shards run (Discord's recommendation with `'auto'`). */
  readonly total: number;
  /** True when every shard process is connected to the gateway. */
  connected(): boolean;
  /** The metrics of every shard process that answers within `timeoutMs` (default 2 s). */
  metrics(timeoutMs?: number): Promise<MetricsJson[]>;
  /** Resolves after `stop()`; rejects when Discord ended a shard for good (the message says why). */
  readonly stopped: Promise<void>;
  /** Stops every shard process the way a single process stops (at most 10 s), then resolves. */
  stop(): Promise<void>;
}

/** How long a shard process may take to stop before it is killed. */
const stopTimeoutMs = 15_000;

/**
 * Runs the Discord bot as one process per gateway shard, with discord.js's `ShardingManager`.
 * First asks Discord for the recommended shard count and the identify concurrency (which also
 * checks the token) and registers the commands, once; then starts the shard processes one after
 * the other, each waiting for the previous one to connect. A shard process that crashes later is
 * started again; one that Discord refuses for good (it exits with `shardFatalExitCode`) ends
 * `stopped` with its reason instead, so a wrong setting does not loop.
 *
 * @throws DiscordStartError when Discord refuses the token or cannot be reached, the commands
 *   cannot be registered, or a shard process does not connect (with that shard's reason).
 */
export async function startDiscordShards(options: ShardedDiscordOptions): Promise<ShardedDiscord> {
  const { log } = options;
  // discord.js's own recommended-count lookup always asks discord.com, whatever `api` says, so
  // the count is read here from the configured API.
  const rest = new REST({ api: options.apiUrl }).setToken(options.token);
  let total: number;
  let concurrency: number;
  try {
    const gateway = (await rest.get(Routes.gatewayBot())) as RESTGetAPIGatewayBotResult;
    total = options.shards === 'auto' ? gateway.shards : options.shards;
    concurrency = gateway.session_start_limit.max_concurrency;
    const application = (await rest.get(
      Routes.currentApplication(),
    )) as RESTGetCurrentApplicationResult;
    await checkCommands(rest, application.id, options);
  } catch (error) {
    throw explainFatal(error);
  }

  const manager = new ShardingManager(options.entry.file, {
    totalShards: total,
    token: options.token,
    mode: 'process',
    shardArgs: [...options.entry.args],
    execArgv: [...process.execArgv],
    respawn: false,
  });
  /** Set once every shard has connected: from then on a crashed shard is started again. */
  let started = false;
  let stopping = false;
  /** Why each shard said it must not be started again. */
  const fatalMessages = new Map<number, string>();
  const waiting = new Map<number, (metrics: MetricsJson | undefined) => void>();
  let nextRequest = 0;
  /** When each shard's latest process has closed (its IPC messages all read). */
  const closed = new Map<number, Promise<unknown>>();
  let fail = (_error: Error): void => undefined;
  let finish = (): void => undefined;
  const stopped = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // `stopped` is for whoever watches the bot; an unwatched rejection must not end the process.
  stopped.catch(() => undefined);

  manager.on('shardCreate', (shard: Shard) => {
    const shardLog = log.child({ shard: shard.id });
    shard.on('spawn', (spawned: ChildProcess | Worker) => {
      // Always a process: the manager runs in 'process' mode.
      const child = spawned as ChildProcess;
      shardLog.info({ pid: child.pid }, 'discord: shard process started');
      closed.set(shard.id, once(child, 'close'));
      /** Whether this process connected: one that dies before it did is not started again. */
      let connected = false;
      const onReady = (): void => void (connected = true);
      shard.once('ready', onReady);
      let restart = false;
      // Runs before discord.js's own exit listener, which reads `respawn` to decide whether to
      // start the shard again: only a crash of a connected shard, outside a shutdown, is retried,
      // so a shard that cannot start again ends the bot instead of looping.
      child.prependListener('exit', (code, signal) => {
        shard.off('ready', onReady);
        restart = started && !stopping && connected && code !== shardFatalExitCode;
        manager.respawn = restart;
        if (restart)
          shardLog.error({ code, signal }, 'discord: shard process crashed; starting it again');
        else shardLog.info({ code, signal }, 'discord: shard process exited');
      });
      // 'close' comes after every IPC message of the process, including its last words.
      child.once('close', (code, signal) => {
        if (!started || stopping || restart) return;
        const reason =
          fatalMessages.get(shard.id) ??
          `Discord shard ${shard.id} stopped (exit code ${code ?? signal}) and was not started again: its log lines say why.`;
        fail(new DiscordStartError(reason));
      });
    });
    shard.on('ready', () => shardLog.info('discord: shard connected'));
    shard.on('resume', () => shardLog.debug('discord: shard resumed'));
    shard.on('reconnecting', () => {
      if (!stopping) shardLog.debug('discord: shard reconnecting');
    });
    shard.on('disconnect', () => {
      if (!stopping) shardLog.warn('discord: shard disconnected');
    });
    // Emitted when a restarted shard does not connect in time (or dies first: see 'close').
    shard.on('error', (error: unknown) =>
      shardLog.warn({ err: describeError(error) }, 'discord: restarted shard not connected yet'),
    );
    shard.on('message', (raw: unknown) => {
      const message = asShardMessage(raw);
      if (message?.type === 'optout:fatal') fatalMessages.set(shard.id, message.message);
      if (message?.type === 'optout:metrics') waiting.get(message.id)?.(message.metrics);
    });
  });

  /** Stops every shard process gracefully (SIGTERM), killing those still running after 15 s. */
  const stopShards = async (): Promise<void> => {
    stopping = true;
    manager.respawn = false;
    await Promise.all(
      [...manager.shards.values()].map(async (shard) => {
        const child = shard.process;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          log.warn({ shard: shard.id }, 'discord: shard process did not stop; killing it');
          child.kill('SIGKILL');
        }, stopTimeoutMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  };

  try {
    log.info({ shards: total }, 'discord: starting one process per shard');
    await manager.spawn({
      amount: total,
      // Within Discord's identify limit: shards in one concurrency bucket connect 5 s apart.
      delay: concurrency >= total ? 0 : 5_500,
      timeout: options.readyTimeoutMs ?? 60_000,
    });
  } catch (error) {
    await stopShards();
    // The reason a shard gave comes over IPC, which is read to the end by the time it closes.
    await Promise.race([
      Promise.all(closed.values()),
      new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
    ]);
    const reason = [...fatalMessages.values()][0];
    if (reason !== undefined) throw new DiscordStartError(reason);
    const what = error instanceof Error ? error.message : String(error);
    throw new DiscordStartError(
      `A Discord shard process did not start: ${what}. Its log lines above say why.`,
    );
  }
  started = true;
  log.info({ shards: total }, 'discord: every shard connected, answering interactions');

  return {
    total,
    connected: () =>
      manager.shards.size === total && [...manager.shards.values()].every((s) => s.ready),
    metrics: async (timeoutMs = 2_000) => {
      const answers = await Promise.all(
        [...manager.shards.values()].map(
          (shard) =>
            new Promise<MetricsJson | undefined>((resolve) => {
              if (!shard.process) return resolve(undefined);
              const id = ++nextRequest;
              const done = (metrics: MetricsJson | undefined): void => {
                clearTimeout(timer);
                waiting.delete(id);
                resolve(metrics);
              };
              const timer = setTimeout(() => done(undefined), timeoutMs);
              waiting.set(id, done);
              shard.send({ type: 'optout:metrics?', id }).catch(() => done(undefined));
            }),
        ),
      );
      return answers.filter((metrics) => metrics !== undefined);
    },
    stopped,
    stop: async () => {
      await stopShards();
      finish();
    },
  };
}
