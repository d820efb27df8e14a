import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeDiscordUsageError, resolveConfig } from './config.js';
import { FakeGateway } from './gateway.js';
import { Injector } from './inject.js';
import { ALL_PERMISSIONS } from './objects.js';
import { RateLimiter } from './rate-limits.js';
import { channelRoutes } from './rest-channels.js';
import { commandRoutes } from './rest-commands.js';
import { interactionRoutes } from './rest-interactions.js';
import type { RouteDeps } from './rest-kit.js';
import { RestServer } from './server.js';
import { createSnowflakes } from './snowflake.js';
import { World } from './state.js';
import type {
  AckSummary,
  AutocompleteInput,
  FakeDiscord,
  FakeDiscordOptions,
  FakeMessage,
  FakeUser,
  FakeUserSpec,
  FaultResponse,
  InjectedInteraction,
  RecordedRequest,
  RequestMatch,
  SlashInput,
} from './types.js';

/** Default bound of {@link FakeDiscord.waitFor}. */
const DEFAULT_WAIT_MS = 2_000;

/**
 * Starts a fake Discord (REST under `/api/v10` and the gateway at `/gateway`) on 127.0.0.1 with a
 * random port. Point discord.js at it with `rest: { api: fake.apiUrl }` and log in with
 * `fake.token`; call `close()` after destroying the client.
 */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const config = resolveConfig(options);
  const world = new World(config, createSnowflakes());
  const calls: RecordedRequest[] = [];
  const violations: RecordedRequest[] = [];
  const recorded = new EventEmitter();
  let port = 0;
  const gatewayUrl = (): string => `ws://127.0.0.1:${port}/gateway`;
  const limiter = new RateLimiter(config);
  const deps: RouteDeps = { world, config, gatewayUrl };
  const rest = new RestServer(
    config,
    [...channelRoutes(deps), ...commandRoutes(deps), ...interactionRoutes(deps)],
    limiter,
    (entry) => {
      calls.push(entry);
      if (entry.violation !== undefined) violations.push(entry);
      recorded.emit('request', entry);
    },
  );
  const gateway = new FakeGateway(config, world, gatewayUrl);
  const injector = new Injector(world, gateway);
  const server = createServer((req, res) => rest.handle(req, res));
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  port = await listen(server);

  const waitFor = (
    predicate: (r: RecordedRequest) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
    fromIndex = 0,
  ) => waitForRequest(calls, recorded, predicate, timeoutMs, fromIndex);
  const interactionOf = (handle: InjectedInteraction) => world.interactions.get(handle.id);

  const fake: FakeDiscord = {
    apiUrl: `http://127.0.0.1:${port}/api`,
    gatewayUrl: gatewayUrl(),
    token: config.token,
    applicationId: config.applicationId,
    calls,
    violations,
    user(spec: FakeUserSpec): FakeUser {
      const user: FakeUser = {
        id: spec.id,
        username: spec.username,
        globalName: spec.globalName ?? null,
        locale: spec.locale ?? 'en-US',
        dmsClosed: spec.dmsClosed ?? false,
        memberPermissions: spec.memberPermissions ?? ALL_PERMISSIONS,
      };
      world.users.set(user.id, user);
      return user;
    },
    slash: (from: FakeUser, command: SlashInput) => injector.slash(from, command),
    autocomplete: (from: FakeUser, command: AutocompleteInput) =>
      injector.autocomplete(from, command),
    click: (from, message, customId, opts) =>
      injector.click(from, message, customId, opts?.forge === true),
    select: (from, message, customId, values, opts) =>
      injector.select(from, message, customId, values, opts?.forge === true),
    messages: (channelId: string): FakeMessage[] =>
      world.channelMessages(channelId).map((m) => m.message),
    message: (messageId: string) => world.liveMessage(messageId)?.message,
    dmChannelOf: (user: FakeUser) => world.dmByUser.get(user.id),
    responseOf: (handle) =>
      world.liveMessage(interactionOf(handle)?.originalMessageId ?? null)?.message,
    followUpsOf: (handle) =>
      (interactionOf(handle)?.followUpIds ?? []).flatMap(
        (id) => world.liveMessage(id)?.message ?? [],
      ),
    callbackOf: (handle) => interactionOf(handle)?.ackBody ?? undefined,
    waitFor,
    waitForAck: (handle, timeoutMs) =>
      waitFor((r) => r.path.startsWith(`/interactions/${handle.id}/`) && r.status < 300, timeoutMs),
    acknowledgements: (): AckSummary[] =>
      [...world.interactions.values()].map((i) => ({
        id: i.id,
        count: i.callbacks,
        firstAckMs: i.firstAckAt === null ? null : i.firstAckAt - i.dispatchedAt,
        type: i.ackType,
      })),
    registeredCommands: (guildId?: string) => structuredClone(world.commandsOf(guildId)),
    fault: (match: RequestMatch, response: FaultResponse, times = 1) =>
      limiter.fault(match, response, times),
    rateLimit: (
      match: RequestMatch,
      retryAfterSeconds: number,
      opts?: { readonly global?: boolean },
    ) => limiter.rateLimit(match, retryAfterSeconds, opts?.global === true),
    dispatch: (shard: number, t: string, d: unknown) => gateway.dispatch(shard, t, d),
    reconnect: (shard: number) => gateway.reconnect(shard),
    removeGuild(guildId: string): void {
      const guild = world.guilds.get(guildId);
      if (!guild)
        throw new FakeDiscordUsageError(`fake-discord: the bot is not in guild ${guildId}`);
      gateway.guildRemoved(guildId);
      world.guilds.delete(guildId);
    },
    connectedShards: () => gateway.connectedShards(),
    identifies: () => gateway.identifies(),
    async close(): Promise<void> {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      recorded.removeAllListeners();
    },
  };
  return fake;
}

/** Listens on 127.0.0.1:0 and returns the port. */
async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Resolves with the first recorded request (past, from `calls[fromIndex]` on, or future) matching
 * `predicate`; on timeout, rejects with an error listing the most recent requests.
 */
async function waitForRequest(
  calls: readonly RecordedRequest[],
  recorded: EventEmitter,
  predicate: (r: RecordedRequest) => boolean,
  timeoutMs: number,
  fromIndex: number,
): Promise<RecordedRequest> {
  for (let index = fromIndex; index < calls.length; index += 1) {
    const call = calls[index]!;
    if (predicate(call)) return call;
  }
  return new Promise<RecordedRequest>((resolve, reject) => {
    const onRequest = (entry: RecordedRequest): void => {
      if (!predicate(entry)) return;
      cleanup();
      resolve(entry);
    };
    const timer = setTimeout(() => {
      cleanup();
      const recent = calls
        .slice(-10)
        .map(
          (c) => `  ${c.method} ${c.path} -> ${c.status}${c.violation ? ` (${c.violation})` : ''}`,
        )
        .join('\n');
      reject(
        new Error(
          `fake-discord: no matching request within ${timeoutMs} ms. Recent requests:\n${recent || '  (none)'}`,
        ),
      );
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      recorded.off('request', onRequest);
    };
    recorded.on('request', onRequest);
  });
}
