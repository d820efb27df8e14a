import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { FakeDiscordUsageError, type FakeConfig } from './config.js';
import { isRecord } from './form-errors.js';
import { guildCreatePayload } from './objects.js';
import { shardOfGuild } from './snowflake.js';
import type { World } from './state.js';

/** Gateway opcodes used by the fake. */
const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Events kept per session for replay on RESUME. */
const REPLAY_LOG_SIZE = 1000;

/** A gateway session: survives a dropped socket until the client resumes or closes with 1000. */
interface Session {
  readonly id: string;
  readonly shardId: number;
  readonly shardCount: number;
  seq: number;
  socket: WebSocket | null;
  readonly log: Array<{ readonly s: number; readonly text: string }>;
}

/** One WebSocket connection and the session it identified or resumed. */
interface Connection {
  readonly socket: WebSocket;
  session: Session | null;
}

/**
 * The fake gateway at `/gateway` (platforms.md B2/B3): HELLO, IDENTIFY → READY + one GUILD_CREATE
 * per guild of the shard (`(guild_id >> 22) % num_shards`; 4010 for an invalid shard, 4011 when
 * a shard would hold more than `maxGuildsPerShard` guilds), heartbeat ACKs, and real RESUME (missed dispatches replayed, then
 * RESUMED; an unknown session gets op 9 `d:false` so the client re-identifies). Text frames only.
 */
export class FakeGateway {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly latestByShard = new Map<number, Session>();
  private readonly changes = new EventEmitter();
  private readonly accepted: Array<readonly [number, number]> = [];

  constructor(
    private readonly config: FakeConfig,
    private readonly world: World,
    private readonly url: () => string,
  ) {}

  /** `upgrade` listener of the HTTP server. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/gateway') {
      socket.destroy();
      return;
    }
    this.server.handleUpgrade(req, socket, head, (ws) => this.accept(ws, url));
  }

  /** Sends a dispatch on the shard's current session (buffered for replay while it reconnects). */
  dispatch(shard: number, t: string, d: unknown): void {
    const session = this.latestByShard.get(shard);
    if (!session) {
      throw new FakeDiscordUsageError(
        `fake-discord: shard ${shard} has no gateway session; log the client in first (connected: [${this.connectedShards().join(', ')}])`,
      );
    }
    this.send(session, t, d);
  }

  /** The shard count clients identified with (the configured count before any identify). */
  shardCount(): number {
    const first = this.latestByShard.values().next();
    return first.done ? this.config.shards : first.value.shardCount;
  }

  /** The `[shard_id, num_shards]` of every accepted IDENTIFY, in order. */
  identifies(): Array<readonly [number, number]> {
    return [...this.accepted];
  }

  /** Shards with a live, identified socket. */
  connectedShards(): number[] {
    return [...this.latestByShard.values()]
      .filter((s) => s.socket !== null)
      .map((s) => s.shardId)
      .sort((a, b) => a - b);
  }

  /** Resolves once `shard` has a live session; rejects with a clear error after `timeoutMs`. */
  async waitForShard(shard: number, timeoutMs: number): Promise<void> {
    if (this.latestByShard.get(shard)?.socket) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!this.latestByShard.get(shard)?.socket) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new FakeDiscordUsageError(
            `fake-discord: shard ${shard} did not connect within ${timeoutMs} ms (connected: [${this.connectedShards().join(', ')}]); did the client log in with the fake's token?`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.changes.off('change', check);
      };
      this.changes.on('change', check);
    });
  }

  /** Asks the shard to reconnect (op 7); discord.js then resumes the session. */
  reconnect(shard: number): void {
    const socket = this.latestByShard.get(shard)?.socket;
    if (!socket) throw new FakeDiscordUsageError(`fake-discord: shard ${shard} is not connected`);
    socket.send(JSON.stringify({ op: Op.Reconnect, d: null, s: null, t: null }));
  }

  /** Tells every session owning the guild that the bot was removed (GUILD_DELETE without `unavailable`). */
  guildRemoved(guildId: string): void {
    for (const session of this.latestByShard.values()) {
      if (shardOfGuild(guildId, session.shardCount) === session.shardId) {
        this.send(session, 'GUILD_DELETE', { id: guildId });
      }
    }
  }

  /** Terminates every socket and stops accepting connections. */
  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket, url: URL): void {
    const connection: Connection = { socket, session: null };
    socket.on('error', () => undefined);
    socket.on('close', (code) => this.onClose(connection, code));
    socket.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary));
    if (url.searchParams.get('v') !== '10') {
      socket.close(4012, 'Invalid API version.');
      return;
    }
    if (
      (url.searchParams.get('encoding') ?? 'json') !== 'json' ||
      url.searchParams.has('compress')
    ) {
      socket.close(4002, 'fake-discord supports only encoding=json without transport compression.');
      return;
    }
    socket.send(
      JSON.stringify({
        op: Op.Hello,
        d: { heartbeat_interval: this.config.heartbeatInterval, _trace: ['["fake-discord"]'] },
        s: null,
        t: null,
      }),
    );
  }

  private onMessage(connection: Connection, data: RawData, isBinary: boolean): void {
    const { socket } = connection;
    let payload: unknown;
    try {
      if (isBinary) throw new Error('binary frame');
      payload = JSON.parse(rawText(data));
    } catch {
      socket.close(4002, 'Error while decoding payload.');
      return;
    }
    const op = isRecord(payload) ? payload.op : undefined;
    const d = isRecord(payload) && isRecord(payload.d) ? payload.d : {};
    switch (op) {
      case Op.Heartbeat:
        socket.send(JSON.stringify({ op: Op.HeartbeatAck }));
        return;
      case Op.Identify:
        this.identify(connection, d);
        return;
      case Op.Resume:
        this.resume(connection, d);
        return;
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
        if (!connection.session) socket.close(4003, 'Not authenticated.');
        return;
      default:
        socket.close(4001, 'Unknown opcode.');
    }
  }

  private identify(connection: Connection, d: Record<string, unknown>): void {
    const { socket } = connection;
    if (connection.session) return socket.close(4005, 'Already authenticated.');
    if (d.token !== this.config.token) return socket.close(4004, 'Authentication failed.');
    if (typeof d.intents !== 'number' || !Number.isInteger(d.intents) || d.intents < 0) {
      return socket.close(4013, 'Invalid intent(s).');
    }
    const [shardId = 0, shardCount = 1] = Array.isArray(d.shard)
      ? (d.shard as unknown[]).map(Number)
      : [];
    if (
      !Number.isInteger(shardId) ||
      !Number.isInteger(shardCount) ||
      shardCount < 1 ||
      shardId < 0 ||
      shardId >= shardCount
    ) {
      return socket.close(4010, 'Invalid shard.');
    }
    const guilds = [...this.world.guilds.values()].filter(
      (g) => shardOfGuild(g.id, shardCount) === shardId,
    );
    if (guilds.length > this.config.maxGuildsPerShard) {
      return socket.close(4011, 'Sharding required.');
    }
    const session: Session = {
      id: randomBytes(16).toString('hex'),
      shardId,
      shardCount,
      seq: 0,
      socket,
      log: [],
    };
    this.sessions.set(session.id, session);
    this.latestByShard.set(shardId, session);
    this.accepted.push([shardId, shardCount]);
    connection.session = session;
    this.send(session, 'READY', {
      v: 10,
      user: { ...this.world.bot, verified: true, mfa_enabled: false, flags: 0 },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.url(),
      shard: [shardId, shardCount],
      application: { id: this.config.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      auth: {},
      _trace: ['["fake-discord"]'],
    });
    for (const guild of guilds)
      this.send(session, 'GUILD_CREATE', guildCreatePayload(guild, this.world.bot));
    this.changes.emit('change');
  }

  private resume(connection: Connection, d: Record<string, unknown>): void {
    const { socket } = connection;
    if (connection.session) return socket.close(4005, 'Already authenticated.');
    if (d.token !== this.config.token) return socket.close(4004, 'Authentication failed.');
    const session = typeof d.session_id === 'string' ? this.sessions.get(d.session_id) : undefined;
    if (!session) {
      socket.send(JSON.stringify({ op: Op.InvalidSession, d: false, s: null, t: null }));
      return;
    }
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    if (seq > session.seq) return socket.close(4007, 'Invalid seq.');
    if (session.socket && session.socket !== socket) session.socket.terminate();
    session.socket = socket;
    connection.session = session;
    this.latestByShard.set(session.shardId, session);
    for (const entry of session.log) if (entry.s > seq) socket.send(entry.text);
    this.send(session, 'RESUMED', { _trace: ['["fake-discord"]'] });
    this.changes.emit('change');
  }

  private onClose(connection: Connection, code: number): void {
    const session = connection.session;
    if (!session || session.socket !== connection.socket) return;
    session.socket = null;
    // Closing with 1000/1001 ends the session on Discord; other codes keep it resumable.
    if (code === 1000 || code === 1001) {
      this.sessions.delete(session.id);
      if (this.latestByShard.get(session.shardId) === session)
        this.latestByShard.delete(session.shardId);
    }
    this.changes.emit('change');
  }

  private send(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const text = JSON.stringify({ op: Op.Dispatch, t, s: session.seq, d });
    session.log.push({ s: session.seq, text });
    if (session.log.length > REPLAY_LOG_SIZE) session.log.shift();
    const socket = session.socket;
    if (socket && socket.readyState === socket.OPEN) socket.send(text);
  }
}

/** The text of a ws message (a Buffer, or fragments). */
function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
