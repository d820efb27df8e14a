import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { initialProgress } from '../src/core/progress.js';
import { openDatabase } from '../src/store/database.js';
import { createSqliteStore } from '../src/store/sqlite-store.js';
import { textOf } from './bots/discord/harness.js';
import {
  startFakeDiscord,
  type FakeDiscord,
  type FakeGuildSpec,
  type FakeUser,
} from './fakes/discord/index.js';
import { shippedCatalog } from './helpers/app.js';
import { freePort, get, sample, waitHealthy } from './helpers/http.js';
import { runBot, runScenario } from './helpers/process.js';
import { useTempDir } from './helpers/temp.js';

const token = 'MTAwMDAwMDAwMDAwMDAwMDAx.shard-test.TOKEN_value';
/** Guild ids on shard 0 and shard 1 of 2: Discord routes a guild to `(id >> 22) % shards`. */
const onShard0 = String(100_000_000_000n << 22n);
const onShard1 = String(100_000_000_001n << 22n);
const guilds: FakeGuildSpec[] = [
  { id: onShard0, name: 'Even', channels: [{ id: '400000000000000010', name: 'general' }] },
  { id: onShard1, name: 'Odd', channels: [{ id: '400000000000000011', name: 'general' }] },
];
/** A member whose X/Grok re-check reminder is due when the bot starts. */
const remindedId = '500000000000000099';
const reminderTitle = 'Time for a quick check';

/** Polls `condition` every 50 ms; throws `what` after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A database where {@link remindedId} completed X/Grok and its re-check is due now. */
async function seedDueReminder(path: string): Promise<void> {
  const store = createSqliteStore(openDatabase(path));
  const guide = shippedCatalog.get('x-grok');
  if (!guide) throw new Error('x-grok missing');
  await store.transaction(async (repos) => {
    const user = await repos.users.touch(
      { platform: 'discord', platformUserId: remindedId },
      0,
      'en',
    );
    await repos.progress.put({
      userId: user.id,
      guideId: 'x-grok',
      state: {
        ...initialProgress(guide, 0),
        status: 'completed',
        completedVersion: 1,
        completedAt: 0,
      },
      status: 'completed',
      guideVersion: 1,
      origin: null,
      updatedAt: 0,
    });
    await repos.reminders.schedule(user.id, 'x-grok', 'recheck', Date.now() - 1_000);
  });
  store.close();
}

/** The user's DM with the bot, as text per message. */
function dmTexts(fake: FakeDiscord, user: FakeUser): string[] {
  const channel = fake.dmChannelOf(user);
  return channel === undefined ? [] : fake.messages(channel).map(textOf);
}

/** Runs `/grok-optout` in a guild and waits until the walkthrough reached the user's DM. */
async function startWalkthrough(fake: FakeDiscord, user: FakeUser, guildId: string) {
  const interaction = await fake.slash(user, { name: 'grok-optout', guildId });
  await fake.waitForAck(interaction, 10_000);
  await until(
    () => dmTexts(fake, user).some((t) => t.includes('Step 1 of 4')),
    10_000,
    `walkthrough DM to ${user.username}`,
  );
}

/** The JSON log lines written so far. */
function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The pid of each shard process the manager started, in order. */
function shardPids(stderr: string): { shard: number; pid: number }[] {
  return logLines(stderr)
    .filter((l) => l['msg'] === 'discord: shard process started')
    .map((l) => ({ shard: Number(l['shard']), pid: Number(l['pid']) }));
}

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Bot environment for the fake, with the HTTP server on `port`. */
const envFor = (fake: FakeDiscord, database: string, port: number, shards: string) => ({
  DATABASE_PATH: database,
  DISCORD_BOT_TOKEN: token,
  DISCORD_API_URL: fake.apiUrl,
  DISCORD_SHARDS: shards,
  HTTP_PORT: String(port),
  HTTP_HOST: '127.0.0.1',
  LOG_LEVEL: 'debug',
});

describe('Discord sharding (DISCORD_SHARDS: one process per shard)', () => {
  const tmp = useTempDir();

  it('runs the 2 shards the gateway recommends in 2 processes on one database, restarts a crashed one, and stops them all on SIGTERM', async () => {
    const fake = await startFakeDiscord({ token, guilds, shards: 2, maxConcurrency: 2 });
    const port = await freePort();
    const database = join(tmp(), 'shards.sqlite');
    await seedDueReminder(database);
    const ann = fake.user({ id: '500000000000000001', username: 'ann' });
    const bob = fake.user({ id: '500000000000000002', username: 'bob' });
    const reminded = fake.user({ id: remindedId, username: 'carol' });
    let stderr = '';
    try {
      const run = await runScenario(
        [],
        envFor(fake, database, port, 'auto'),
        async (child) => {
          child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          // Shard 1 starts only once shard 0 is connected: meanwhile the bot is not healthy.
          await until(() => fake.connectedShards().length > 0, 60_000, 'shard 0 connects');
          const before = fake.connectedShards();
          const partial = await get(port, '/healthz');
          if (before.length === 1 && fake.connectedShards().length === 1) {
            expect(partial?.status).toBe(503);
          }
          await waitHealthy(port, 60_000);
          expect(fake.connectedShards()).toEqual([0, 1]);
          expect(fake.identifies()).toEqual([
            [0, 2],
            [1, 2],
          ]);

          await startWalkthrough(fake, ann, onShard0);
          await startWalkthrough(fake, bob, onShard1);
          // Each shard process counts the update it handled once its answer is complete.
          const handled = 'optout_updates_handled_total{platform="discord",outcome="ok"}';
          let metrics = '';
          const deadline = Date.now() + 10_000;
          while (sample(metrics, handled) < 2 && Date.now() < deadline) {
            metrics = (await get(port, '/metrics'))?.body ?? '';
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          expect(sample(metrics, handled)).toBe(2);
          expect(sample(metrics, 'optout_walkthroughs_total{event="started"}')).toBe(2);
          expect(sample(metrics, 'optout_reminders_pending')).toBe(1);

          // The manager's dispatcher sends the due reminder over REST.
          await until(
            () => dmTexts(fake, reminded).some((t) => t.includes(reminderTitle)),
            20_000,
            'the due reminder',
          );

          // A crashed shard process is started again and answers again.
          const first = shardPids(stderr);
          const shard1 = first.find((p) => p.shard === 1)?.pid;
          if (shard1 === undefined) throw new Error('no pid logged for shard 1');
          process.kill(shard1, 'SIGKILL');
          await until(() => shardPids(stderr).length === 3, 30_000, 'shard 1 restarted');
          await until(
            () => fake.identifies().length === 3 && fake.connectedShards().length === 2,
            60_000,
            'shard 1 reconnects',
          );
          await waitHealthy(port, 30_000);
          const bobAgain = await fake.slash(bob, { name: 'grok-optout', guildId: onShard1 });
          await fake.waitForAck(bobAgain, 10_000);
        },
        { timeoutMs: 150_000 },
      );
      expect(run.code).toBe(0);

      // No shard process is left behind.
      const pids = shardPids(run.stderr);
      expect(pids.map((p) => p.shard)).toEqual([0, 1, 1]);
      await until(() => pids.every((p) => !alive(p.pid)), 5_000, 'shard processes gone');

      const lines = logLines(run.stderr);
      // Each shard answered the command of its own guild, and logs with its shard id.
      const updates = lines.filter((l) => l['msg'] === 'update' && l['platform'] === 'discord');
      expect(updates.map((l) => l['shard']).sort()).toEqual([0, 1, 1]);
      expect(lines.filter((l) => l['msg'] === 'stopped' && 'shard' in l).length).toBe(2);
      // Commands are checked once, by the manager, not by each shard.
      expect(lines.filter((l) => l['msg'] === 'discord: commands checked')).toHaveLength(1);
      expect(
        fake.calls.filter((c) => c.method === 'GET' && c.path.endsWith('/commands')),
      ).toHaveLength(1);
      // The reminder was sent once, by the manager (no line of a shard process is about it).
      expect(dmTexts(fake, reminded).filter((t) => t.includes(reminderTitle))).toHaveLength(1);
      expect(lines.filter((l) => String(l['msg']).startsWith('reminder') && 'shard' in l)).toEqual(
        [],
      );
      expect(run.stderr).not.toContain('shard-test.TOKEN');

      // Both walkthroughs are in the one database.
      const db = new BetterSqlite3(database, { readonly: true });
      const users = db
        .prepare("SELECT platform_user_id AS id FROM users WHERE platform = 'discord' ORDER BY id")
        .all();
      db.close();
      expect(users).toEqual([{ id: ann.id }, { id: bob.id }, { id: remindedId }]);
      expect(fake.violations).toEqual([]);
    } finally {
      await fake.close();
    }
  }, 180_000);

  it('runs the number of shards DISCORD_SHARDS names (2, where Discord recommends 1)', async () => {
    const fake = await startFakeDiscord({ token, guilds, shards: 1, maxConcurrency: 2 });
    const port = await freePort();
    const ann = fake.user({ id: '500000000000000001', username: 'ann' });
    const bob = fake.user({ id: '500000000000000002', username: 'bob' });
    try {
      const run = await runScenario(
        [],
        envFor(fake, join(tmp(), 'two.sqlite'), port, '2'),
        async () => {
          await waitHealthy(port, 90_000);
          expect(fake.identifies()).toEqual([
            [0, 2],
            [1, 2],
          ]);
          await startWalkthrough(fake, ann, onShard0);
          await startWalkthrough(fake, bob, onShard1);
        },
        { timeoutMs: 120_000 },
      );
      expect(run.code).toBe(0);
      const pids = shardPids(run.stderr);
      expect(pids).toHaveLength(2);
      await until(() => pids.every((p) => !alive(p.pid)), 5_000, 'shard processes gone');
    } finally {
      await fake.close();
    }
  }, 150_000);

  it('exits 1 with a one-line fix, without restarting it, when Discord refuses a shard at start', async () => {
    // Two servers, and Discord allows one per shard here: a single shard is refused with 4011.
    const fake = await startFakeDiscord({ token, guilds, maxGuildsPerShard: 1 });
    const port = await freePort();
    try {
      const run = await runBot(
        [],
        { ...envFor(fake, join(tmp(), 'refused.sqlite'), port, '1'), LOG_LEVEL: 'silent' },
        { timeoutMs: 90_000 },
      );
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([
        'Discord requires more gateway shards for this many servers (4011): set DISCORD_SHARDS=auto, then start again.',
      ]);
      // One shard process, refused once: no restart loop. (`GET /gateway/bot`: once by the
      // manager for the shard count, once by the shard process as it logs in.)
      expect(fake.identifies()).toEqual([]);
      expect(fake.calls.filter((c) => c.path === '/gateway/bot')).toHaveLength(2);
    } finally {
      await fake.close();
    }
  }, 120_000);
});
