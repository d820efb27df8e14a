import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  InteractionContextType,
  MessageFlags,
  Routes,
  StringSelectMenuBuilder,
  type ChatInputApplicationCommandData,
  type ClientOptions,
  type Interaction,
  type SendableChannels,
} from 'discord.js';
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscordUsageError, startFakeDiscord, type FakeDiscord } from './index.js';

const GUILD_A = '400000000000000001';
const CHANNEL_A = '400000000000000002';
const GUILD_B = '400000000000000011';
const CHANNEL_B = '400000000000000012';
const GUILDS = [
  {
    id: GUILD_A,
    name: 'Alpha',
    preferredLocale: 'de',
    channels: [{ id: CHANNEL_A, name: 'general' }],
  },
  { id: GUILD_B, name: 'Beta', channels: [{ id: CHANNEL_B, name: 'welcome' }] },
];

const OPTOUT_COMMAND: ChatInputApplicationCommandData = {
  name: 'optout',
  description: 'Walk through opting out of AI training',
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'platform',
      description: 'Which platform',
      required: true,
      choices: [
        { name: 'Reddit', value: 'reddit' },
        { name: 'LinkedIn', value: 'linkedin' },
      ],
    },
  ],
};

let fake: FakeDiscord;
let clients: Client[] = [];

/** Logs a real discord.js client in against `target` and waits for `clientReady`. */
async function login(target: FakeDiscord, extra: Partial<ClientOptions> = {}): Promise<Client> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: target.apiUrl },
    ...extra,
  });
  clients.push(client);
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(target.token);
  await bounded(ready, 3_000, 'clientReady');
  return client;
}

/** The next `interactionCreate` of `client`. */
function nextInteraction(client: Client, timeoutMs = 2_000): Promise<Interaction> {
  return bounded(
    new Promise<Interaction>((resolve) => client.once(Events.InteractionCreate, resolve)),
    timeoutMs,
    'interactionCreate',
  );
}

async function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Awaits a rejection that must be a DiscordAPIError, and returns it. */
async function apiErrorOf(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error: unknown = await promise.then(
    () => new Error('expected a DiscordAPIError, but the request succeeded'),
    (e: unknown) => e,
  );
  if (!(error instanceof DiscordAPIError)) throw error;
  return error;
}

function sendable(client: Client, channelId: string): SendableChannels {
  const channel = client.channels.cache.get(channelId);
  if (!channel?.isSendable()) throw new Error(`channel ${channelId} is not cached or not sendable`);
  return channel;
}

function nextButton(customId = 'step:next'): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId).setLabel('Next').setStyle(ButtonStyle.Primary),
  );
}

beforeEach(async () => {
  fake = await startFakeDiscord({ guilds: GUILDS });
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.destroy()));
  clients = [];
  await fake.close();
});

describe('gateway', () => {
  it('logs in quickly and announces both guilds with GUILD_CREATE', async () => {
    const started = Date.now();
    const client = await login(fake);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(client.guilds.cache.map((g) => g.name).sort()).toEqual(['Alpha', 'Beta']);
    expect(client.guilds.cache.get(GUILD_A)?.preferredLocale).toBe('de');
    expect(client.guilds.cache.get(GUILD_A)?.members.me?.id).toBe(fake.applicationId);
    expect(client.channels.cache.get(CHANNEL_B)?.isTextBased()).toBe(true);
    expect(client.user?.id).toBe(fake.applicationId);
    expect(fake.connectedShards()).toEqual([0]);
    const gatewayCall = fake.calls.find((c) => c.path === '/gateway/bot');
    expect(gatewayCall?.auth).toBe(`Bot ${fake.token}`);
    expect(fake.violations).toEqual([]);
  });

  it('connects several shards and sends each guild on its own shard', async () => {
    const even = String(100_000_000_000n << 22n);
    const odd = String(100_000_000_001n << 22n);
    const sharded = await startFakeDiscord({
      shards: 2,
      maxConcurrency: 2,
      guilds: [
        { id: even, name: 'Even' },
        { id: odd, name: 'Odd' },
      ],
    });
    try {
      const client = await login(sharded, { shards: 'auto' });
      expect(sharded.connectedShards()).toEqual([0, 1]);
      expect([...sharded.identifies()].sort()).toEqual([
        [0, 2],
        [1, 2],
      ]);
      expect(client.guilds.cache.get(even)?.shardId).toBe(0);
      expect(client.guilds.cache.get(odd)?.shardId).toBe(1);
      await client.application?.commands.set([OPTOUT_COMMAND]);
      const ann = sharded.user({ id: '500000000000000001', username: 'ann' });
      const seen = nextInteraction(client);
      await sharded.slash(ann, {
        name: 'optout',
        guildId: odd,
        options: [{ name: 'platform', value: 'reddit' }],
      });
      expect((await seen).guild?.shardId).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.destroy()));
      clients = [];
      await sharded.close();
    }
  });

  it('closes an IDENTIFY with 4011 when its shard would hold too many guilds, and 4010 for an invalid shard', async () => {
    const small = await startFakeDiscord({
      maxGuildsPerShard: 1,
      guilds: [
        { id: String(100_000_000_000n << 22n), name: 'Even' },
        { id: String(100_000_000_001n << 22n), name: 'Odd' },
      ],
    });
    /** Identifies with `shard` on a raw socket; resolves with the close code, or 0 on READY. */
    const identify = (shard: [number, number]) => {
      const socket = new WebSocket(`${small.gatewayUrl}?v=10&encoding=json`);
      return bounded(
        new Promise<number>((resolve) => {
          socket.on('close', (code) => resolve(code));
          socket.on('message', (data: Buffer) => {
            const payload = JSON.parse(data.toString()) as { op: number; t?: string };
            if (payload.op === 10)
              socket.send(
                JSON.stringify({
                  op: 2,
                  d: { token: small.token, intents: 1, properties: {}, shard },
                }),
              );
            if (payload.t === 'READY') {
              socket.close(1000);
              resolve(0);
            }
          });
        }),
        2_000,
        `identify ${JSON.stringify(shard)}`,
      );
    };
    try {
      expect(await identify([0, 1])).toBe(4011);
      expect(await identify([2, 2])).toBe(4010);
      expect(await identify([1, 2])).toBe(0);
      expect(small.identifies()).toEqual([[1, 2]]);
    } finally {
      await small.close();
    }
  });

  it('rejects a wrong token on REST (401) and on the gateway (close 4004)', async () => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    clients.push(client);
    // discord.js turns the 401 of GET /gateway/bot into its own TokenInvalid error.
    await expect(client.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    expect(fake.calls.map((c) => [c.path, c.status])).toEqual([['/gateway/bot', 401]]);
    expect(fake.violations.map((v) => v.status)).toEqual([401]);

    const socket = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('message', (data: Buffer) => {
      const payload = JSON.parse(data.toString()) as { op: number };
      if (payload.op === 10)
        socket.send(JSON.stringify({ op: 2, d: { token: 'nope', intents: 1, properties: {} } }));
    });
    expect(await bounded(closed, 2_000, 'gateway close')).toBe(4004);
  });

  it('resumes the session after op 7 and keeps delivering interactions', async () => {
    const client = await login(fake);
    await client.application?.commands.set([OPTOUT_COMMAND]);
    const resumed = new Promise<void>((resolve) =>
      client.once(Events.ShardResume, () => resolve()),
    );
    fake.reconnect(0);
    await bounded(resumed, 3_000, 'shardResume');
    const ann = fake.user({ id: '500000000000000001', username: 'ann' });
    const seen = nextInteraction(client);
    await fake.slash(ann, {
      name: 'optout',
      guildId: GUILD_A,
      options: [{ name: 'platform', value: 'reddit' }],
    });
    expect((await seen).isChatInputCommand()).toBe(true);
  });

  it('delivers a dispatch sent around a reconnect exactly once', async () => {
    const client = await login(fake);
    await client.application?.commands.set([OPTOUT_COMMAND]);
    const ann = fake.user({ id: '500000000000000001', username: 'ann' });
    const resumed = new Promise<void>((resolve) =>
      client.once(Events.ShardResume, () => resolve()),
    );
    const received: string[] = [];
    client.on(Events.InteractionCreate, (i) => received.push(i.id));
    fake.reconnect(0);
    const slash = await fake.slash(ann, {
      name: 'optout',
      guildId: GUILD_A,
      options: [{ name: 'platform', value: 'reddit' }],
    });
    await bounded(resumed, 3_000, 'shardResume');
    // Whether the client read it before closing or got it replayed after RESUME, it arrives once.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toEqual([slash.id]);
  });

  it('replays dispatches missed while disconnected, then sends RESUMED', async () => {
    const frames = async (socket: WebSocket, count: number) =>
      bounded(
        new Promise<Array<{ op: number; t: string | null; s: number | null; d: unknown }>>(
          (resolve) => {
            const seen: Array<{ op: number; t: string | null; s: number | null; d: unknown }> = [];
            socket.on('message', (data: Buffer) => {
              seen.push(JSON.parse(data.toString()) as (typeof seen)[number]);
              if (seen.length === count) resolve(seen);
            });
          },
        ),
        2_000,
        `${count} gateway frames`,
      );
    const first = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    const firstFrames = frames(first, 4); // HELLO, READY, 2 × GUILD_CREATE
    await new Promise((resolve) => first.once('open', resolve));
    first.send(
      JSON.stringify({
        op: 2,
        d: { token: fake.token, intents: 1, properties: {}, shard: [0, 1] },
      }),
    );
    const [, ready] = await firstFrames;
    const sessionId = (ready?.d as { session_id: string }).session_id;
    const closed = new Promise((resolve) => first.once('close', resolve));
    first.close(4000);
    await closed;
    fake.dispatch(0, 'TYPING_START', { channel_id: CHANNEL_A });

    const second = new WebSocket(`${fake.gatewayUrl}?v=10&encoding=json`);
    const secondFrames = frames(second, 3); // HELLO, replayed TYPING_START, RESUMED
    await new Promise((resolve) => second.once('open', resolve));
    second.send(JSON.stringify({ op: 6, d: { token: fake.token, session_id: sessionId, seq: 3 } }));
    const replay = await secondFrames;
    expect(replay.map((f) => [f.op, f.t, f.s])).toEqual([
      [10, null, null],
      [0, 'TYPING_START', 4],
      [0, 'RESUMED', 5],
    ]);
    second.close(1000);
  });

  it('sends GUILD_DELETE when the bot is removed from a guild', async () => {
    const client = await login(fake);
    const deleted = new Promise<string>((resolve) =>
      client.once(Events.GuildDelete, (g) => resolve(g.id)),
    );
    fake.removeGuild(GUILD_B);
    expect(await bounded(deleted, 2_000, 'guildDelete')).toBe(GUILD_B);
    expect(client.guilds.cache.has(GUILD_B)).toBe(false);
  });
});

describe('interactions', () => {
  it('delivers a guild slash command, records the ephemeral reply, and lets the user click it', async () => {
    const client = await login(fake);
    await client.application?.commands.set([OPTOUT_COMMAND]);
    const ann = fake.user({
      id: '500000000000000001',
      username: 'ann',
      globalName: 'Ann',
      locale: 'fr',
    });

    const seen = nextInteraction(client);
    const slash = await fake.slash(ann, {
      name: 'optout',
      guildId: GUILD_A,
      options: [{ name: 'platform', value: 'reddit' }],
    });
    const command = await seen;
    if (!command.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(command.locale).toBe('fr');
    expect(command.guildLocale).toBe('de');
    expect(command.guildId).toBe(GUILD_A);
    expect(command.channelId).toBe(CHANNEL_A);
    expect(command.user.globalName).toBe('Ann');
    expect(command.memberPermissions?.has('ManageGuild')).toBe(true);
    expect(command.options.getString('platform')).toBe('reddit');
    await command.reply({
      content: 'Step 1',
      components: [nextButton()],
      flags: MessageFlags.Ephemeral,
    });

    const response = fake.responseOf(slash);
    expect(response?.content).toBe('Step 1');
    expect((response?.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(response?.components[0]?.components?.[0]?.custom_id).toBe('step:next');
    if (!response) throw new Error('no response recorded');

    const bob = fake.user({ id: '500000000000000002', username: 'bob' });
    await expect(fake.click(bob, response, 'step:next')).rejects.toThrow(/ephemeral/);
    await expect(fake.click(ann, response, 'step:missing')).rejects.toBeInstanceOf(
      FakeDiscordUsageError,
    );

    const clicked = nextInteraction(client);
    const click = await fake.click(ann, response, 'step:next');
    const button = await clicked;
    if (!button.isButton()) throw new Error('expected a button interaction');
    expect(button.customId).toBe('step:next');
    expect(button.message.id).toBe(response.id);
    expect(button.message.flags.has(MessageFlags.Ephemeral)).toBe(true);
    await button.update({ content: 'Step 2', components: [] });

    expect(fake.responseOf(slash)?.content).toBe('Step 2');
    expect(fake.responseOf(click)?.id).toBe(response.id);
    expect(fake.messages(CHANNEL_A).map((m) => m.content)).toEqual(['Step 2']);
    expect(fake.acknowledgements()).toEqual([
      expect.objectContaining({ id: slash.id, count: 1, type: 4 }),
      expect.objectContaining({ id: click.id, count: 1, type: 7 }),
    ]);
    expect(
      fake.acknowledgements().every((a) => a.firstAckMs !== null && a.firstAckMs < 3_000),
    ).toBe(true);
    expect(fake.violations).toEqual([]);
  });

  it('nests subcommand options and refuses commands that were never registered', async () => {
    const client = await login(fake);
    await client.application?.commands.set([
      {
        name: 'setup',
        description: 'Configure',
        options: [
          {
            type: ApplicationCommandOptionType.Subcommand,
            name: 'language',
            description: 'Pick the language',
            options: [
              {
                type: ApplicationCommandOptionType.String,
                name: 'code',
                description: 'Locale',
                required: true,
              },
            ],
          },
        ],
      },
    ]);
    const ann = fake.user({ id: '500000000000000001', username: 'ann' });
    const seen = nextInteraction(client);
    await fake.slash(ann, {
      name: 'setup',
      guildId: GUILD_B,
      options: [{ name: 'language', options: [{ name: 'code', value: 'de' }] }],
    });
    const command = await seen;
    if (!command.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(command.options.getSubcommand()).toBe('language');
    expect(command.options.getString('code')).toBe('de');
    expect(command.guildLocale).toBe('en-US');
    await command.reply({ content: 'ok', flags: MessageFlags.Ephemeral });

    await expect(fake.slash(ann, { name: 'nope', guildId: GUILD_B })).rejects.toThrow(
      /not registered/,
    );
    await expect(fake.slash(ann, { name: 'setup', guildId: GUILD_B })).rejects.toThrow(
      /subcommand/,
    );
  });

  it('delivers a slash command in the bot DM with the user payload', async () => {
    const client = await login(fake);
    await client.application?.commands.set([OPTOUT_COMMAND]);
    const ann = fake.user({ id: '500000000000000001', username: 'ann', locale: 'pt-BR' });
    const seen = nextInteraction(client);
    const slash = await fake.slash(ann, {
      name: 'optout',
      options: [{ name: 'platform', value: 'linkedin' }],
    });
    const command = await seen;
    if (!command.isChatInputCommand()) throw new Error('expected a chat input command');
    expect(command.guildId).toBeNull();
    expect(command.guildLocale).toBeNull();
    expect(command.context).toBe(InteractionContextType.BotDM);
    expect(command.locale).toBe('pt-BR');
    expect(command.user.id).toBe(ann.id);
    expect(command.channelId).toBe(fake.dmChannelOf(ann));
    await command.reply({ content: 'Hallo', components: [nextButton()] });

    const dm = fake.dmChannelOf(ann) ?? '';
    expect(fake.messages(dm).map((m) => m.content)).toEqual(['Hallo']);
    const clicked = nextInteraction(client);
    const response = fake.responseOf(slash);
    if (!response) throw new Error('no response recorded');
    await fake.click(ann, response, 'step:next');
    const button = await clicked;
    expect(button.guildId).toBeNull();
    expect(button.isButton() && button.message.id).toBe(response.id);
    if (button.isButton()) await button.deferUpdate();
    expect(fake.violations).toEqual([]);
  });

  it('answers with_response=true with the interaction and the created message', async () => {
    const client = await login(fake);
    await client.application?.commands.set([OPTOUT_COMMAND]);
    const ann = fake.user({ id: '500000000000000001', username: 'ann' });
    const seen = nextInteraction(client);
    await fake.slash(ann, {
      name: 'optout',
      guildId: GUILD_A,
      options: [{ name: 'platform', value: 'reddit' }],
    });
    const command = await seen;
    if (!command.isChatInputCommand()) throw new Error('expected a chat input command');
    const callback = await command.reply({ content: 'Here', withResponse: true });
    expect(callback.interaction.id).toBe(command.id);
    expect(callback.resource?.message?.content).toBe('Here');
  });

  it('records deferReply, editReply, followUp and fetchReply on the interaction webhook', async () => {
    const client = await login(fake);
    await client.application?.commands.set([OPTOUT_COMMAND]);
    const ann = fake.user({ id: '500000000000000001', username: 'ann' });
    const seen = nextInteraction(client);
    const slash = await fake.slash(ann, {
      name: 'optout',
      guildId: GUILD_A,
      options: [{ name: 'platform', value: 'reddit' }],
    });
    const command = await seen;
    if (!command.isChatInputCommand()) throw new Error('expected a chat input command');

    await command.deferReply({ flags: MessageFlags.Ephemeral });
    expect(fake.responseOf(slash)?.flags).toBe(MessageFlags.Ephemeral | MessageFlags.Loading);
    await command.editReply({ content: 'Done', components: [nextButton()] });
    expect(fake.responseOf(slash)).toMatchObject({
      content: 'Done',
      flags: MessageFlags.Ephemeral,
    });
    const more = await command.followUp({ content: 'More', flags: MessageFlags.Ephemeral });
    expect(more.content).toBe('More');
    expect(fake.followUpsOf(slash).map((m) => [m.content, m.flags])).toEqual([
      ['More', MessageFlags.Ephemeral],
    ]);
    expect((await command.fetchReply()).content).toBe('Done');

    const webhook = `/webhooks/${fake.applicationId}/${slash.token}`;
    expect(
      fake.calls.filter((c) => c.path.startsWith('/webhooks/')).map((c) => `${c.method} ${c.path}`),
    ).toEqual([
      `PATCH ${webhook}/messages/@original`,
      `POST ${webhook}`,
      `GET ${webhook}/messages/@original`,
    ]);
    expect(fake.calls.find((c) => c.method === 'POST' && c.path === webhook)?.query.wait).toBe(
      'true',
    );
    expect(fake.calls.every((c) => !c.path.startsWith('/webhooks/') || c.auth === null)).toBe(true);
    expect(fake.violations).toEqual([]);
  });

  it('answers autocomplete and select-menu interactions', async () => {
    const client = await login(fake);
    await client.application?.commands.set([
      {
        name: 'find',
        description: 'Find a platform',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'name',
            description: 'Name',
            autocomplete: true,
          },
        ],
      },
    ]);
    const ann = fake.user({ id: '500000000000000001', username: 'ann' });
    const seen = nextInteraction(client);
    const typed = await fake.autocomplete(ann, {
      name: 'find',
      guildId: GUILD_A,
      focused: 'name',
      value: 'red',
    });
    const auto = await seen;
    if (!auto.isAutocomplete()) throw new Error('expected autocomplete');
    expect(auto.options.getFocused()).toBe('red');
    await auto.respond([{ name: 'Reddit', value: 'reddit' }]);
    expect(fake.callbackOf(typed)).toEqual({
      type: 8,
      data: { choices: [{ name: 'Reddit', value: 'reddit' }] },
    });

    const menu = new StringSelectMenuBuilder()
      .setCustomId('lang')
      .addOptions({ label: 'Deutsch', value: 'de' }, { label: 'English', value: 'en' });
    const sent = await sendable(client, CHANNEL_A).send({
      content: 'Pick a language',
      components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)],
    });
    const stored = fake.message(sent.id);
    if (!stored) throw new Error('message not stored');
    await expect(fake.select(ann, stored, 'lang', ['fr'])).rejects.toThrow(/no option/);
    const picked = nextInteraction(client);
    await fake.select(ann, stored, 'lang', ['de']);
    const select = await picked;
    expect(select.isStringSelectMenu() && select.values).toEqual(['de']);
    if (select.isStringSelectMenu()) await select.update({ content: 'Deutsch', components: [] });
    expect(fake.message(sent.id)?.content).toBe('Deutsch');
    expect(fake.violations).toEqual([]);
  });
});

describe('refusals', () => {
  it('refuses a second acknowledgement with 40060', async () => {
    const client = await login(fake);
    await client.application?.commands.set([OPTOUT_COMMAND]);
    const ann = fake.user({ id: '500000000000000001', username: 'ann' });
    const seen = nextInteraction(client);
    const slash = await fake.slash(ann, {
      name: 'optout',
      guildId: GUILD_A,
      options: [{ name: 'platform', value: 'reddit' }],
    });
    const command = await seen;
    await (command.isChatInputCommand()
      ? command.reply('one')
      : Promise.reject(new Error('not a command')));
    const error = await apiErrorOf(
      client.rest.post(Routes.interactionCallback(command.id, slash.token), {
        body: { type: 4, data: { content: 'two' } },
        auth: false,
      }),
    );
    expect([error.status, error.code]).toEqual([400, 40060]);
    expect(fake.acknowledgements()).toEqual([
      expect.objectContaining({ id: slash.id, count: 2, type: 4 }),
    ]);
    expect(fake.violations.map((v) => v.status)).toEqual([400]);
  });

  it('refuses UPDATE_MESSAGE on a slash command with 50035, leaving it unacknowledged', async () => {
    const client = await login(fake);
    await client.application?.commands.set([OPTOUT_COMMAND]);
    const ann = fake.user({ id: '500000000000000001', username: 'ann' });
    const seen = nextInteraction(client);
    const slash = await fake.slash(ann, {
      name: 'optout',
      guildId: GUILD_A,
      options: [{ name: 'platform', value: 'reddit' }],
    });
    const command = await seen;
    if (!command.isChatInputCommand()) throw new Error('expected a chat input command');
    const error = await apiErrorOf(
      client.rest.post(Routes.interactionCallback(command.id, slash.token), {
        body: { type: 7, data: { content: 'not a component' } },
        auth: false,
      }),
    );
    expect(error.code).toBe(50035);
    await command.reply('a proper reply');
    expect(fake.responseOf(slash)?.content).toBe('a proper reply');
    expect(fake.acknowledgements()).toEqual([expect.objectContaining({ count: 2, type: 4 })]);
    expect(fake.violations).toHaveLength(1);
  });

  it('expires the interaction webhook after the token lifetime with 50027', async () => {
    const short = await startFakeDiscord({ guilds: GUILDS, tokenLifetimeMs: 150 });
    try {
      const client = await login(short);
      await client.application?.commands.set([OPTOUT_COMMAND]);
      const ann = short.user({ id: '500000000000000001', username: 'ann' });
      const seen = nextInteraction(client);
      await short.slash(ann, {
        name: 'optout',
        guildId: GUILD_A,
        options: [{ name: 'platform', value: 'reddit' }],
      });
      const command = await seen;
      if (!command.isChatInputCommand()) throw new Error('expected a chat input command');
      await command.reply('in time');
      await new Promise((resolve) => setTimeout(resolve, 250));
      const error = await apiErrorOf(command.followUp('too late'));
      expect([error.status, error.code]).toEqual([401, 50027]);
    } finally {
      await Promise.all(clients.map((c) => c.destroy()));
      clients = [];
      await short.close();
    }
  });

  it('refuses a callback after the deadline with 10062', async () => {
    const strict = await startFakeDiscord({ guilds: GUILDS, ackDeadlineMs: 150 });
    try {
      const client = await login(strict);
      await client.application?.commands.set([OPTOUT_COMMAND]);
      const ann = strict.user({ id: '500000000000000001', username: 'ann' });
      const seen = nextInteraction(client);
      const slash = await strict.slash(ann, {
        name: 'optout',
        guildId: GUILD_A,
        options: [{ name: 'platform', value: 'reddit' }],
      });
      const command = await seen;
      await new Promise((resolve) => setTimeout(resolve, 250));
      if (!command.isChatInputCommand()) throw new Error('expected a chat input command');
      const error = await apiErrorOf(command.reply('too late'));
      expect([error.status, error.code]).toEqual([404, 10062]);
      expect(strict.acknowledgements()).toEqual([
        { id: slash.id, count: 1, firstAckMs: null, type: null },
      ]);
      expect(strict.violations).toHaveLength(1);
    } finally {
      await Promise.all(clients.map((c) => c.destroy()));
      clients = [];
      await strict.close();
    }
  });

  it('refuses invalid message bodies with 50035 and an empty message with 50006', async () => {
    const client = await login(fake);
    const post = (body: unknown) =>
      apiErrorOf(client.rest.post(Routes.channelMessages(CHANNEL_A), { body }));
    const button = (extra: Record<string, unknown>) => ({
      type: 2,
      style: 1,
      label: 'Go',
      custom_id: 'go',
      ...extra,
    });
    const row = (...components: unknown[]) => ({ type: 1, components });

    const long = await apiErrorOf(sendable(client, CHANNEL_A).send('x'.repeat(2001)));
    expect(long.code).toBe(50035);
    expect(long.rawError).toMatchObject({
      errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } },
    });

    const customId = await post({ components: [row(button({ custom_id: 'c'.repeat(101) }))] });
    expect(customId.code).toBe(50035);
    expect(customId.rawError).toMatchObject({
      errors: { components: { 0: { components: { 0: { custom_id: {} } } } } },
    });

    const sixButtons = await post({
      components: [row(...[1, 2, 3, 4, 5, 6].map((n) => button({ custom_id: `b${n}` })))],
    });
    expect(sixButtons.code).toBe(50035);

    const label = await post({ components: [row(button({ label: 'l'.repeat(81) }))] });
    expect(label.code).toBe(50035);

    const duplicate = await post({ components: [row(button({}), button({}))] });
    expect(duplicate.code).toBe(50035);

    const link = await post({
      components: [row({ type: 2, style: 5, label: 'Docs', url: 'ftp://x' })],
    });
    expect(link.code).toBe(50035);

    const empty = await post({ content: '' });
    expect(empty.code).toBe(50006);

    expect(fake.violations.map((v) => (v.response as { code: number }).code)).toEqual([
      50035, 50035, 50035, 50035, 50035, 50035, 50006,
    ]);
  });

  it('refuses a bad command name with 50035', async () => {
    const client = await login(fake);
    const error = await apiErrorOf(
      client.application?.commands.set([{ name: 'Opt Out', description: 'Bad name' }]) ??
        Promise.resolve(),
    );
    expect(error.code).toBe(50035);
    expect(error.rawError).toMatchObject({
      errors: { 0: { name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] } } },
    });
    expect(fake.registeredCommands()).toEqual([]);
  });

  it('answers 50007 when a user has closed DMs, without counting it as a violation', async () => {
    const client = await login(fake);
    fake.user({ id: '500000000000000003', username: 'carol', dmsClosed: true });
    const error = await apiErrorOf(client.users.send('500000000000000003', 'hello'));
    expect([error.status, error.code]).toEqual([403, 50007]);
    expect(fake.violations).toEqual([]);
  });
});

describe('REST', () => {
  it('opens a DM channel once and sends into it with user.send()', async () => {
    const client = await login(fake);
    const ann = fake.user({ id: '500000000000000001', username: 'ann' });
    const user = await client.users.fetch(ann.id);
    await user.send('first');
    await user.send({ content: 'second', components: [nextButton()] });
    const dm = fake.dmChannelOf(ann);
    expect(dm).toBeDefined();
    const opened = await client.rest.post(Routes.userChannels(), {
      body: { recipient_id: ann.id },
    });
    expect((opened as { id: string }).id).toBe(dm);
    expect(fake.messages(dm ?? '').map((m) => m.content)).toEqual(['first', 'second']);

    const clicked = nextInteraction(client);
    const second = fake.messages(dm ?? '')[1];
    if (!second) throw new Error('second message missing');
    await fake.click(ann, second, 'step:next');
    const button = await clicked;
    expect(button.isButton() && button.message.content).toBe('second');
    if (button.isButton()) await button.reply({ content: 'ok' });
    expect(fake.violations).toEqual([]);
  });

  it('accepts a multipart message whose only content is a file', async () => {
    const client = await login(fake);
    const sent = await sendable(client, CHANNEL_A).send({
      files: [{ attachment: Buffer.from('opt-out letter'), name: 'letter.txt' }],
    });
    expect(fake.message(sent.id)?.attachments).toEqual([
      expect.objectContaining({ filename: 'letter.txt' }),
    ]);
    expect(fake.violations).toEqual([]);
  });

  it('stores global and guild commands and keeps ids on overwrite', async () => {
    const client = await login(fake);
    const first = await client.application?.commands.set([OPTOUT_COMMAND]);
    const again = await client.application?.commands.set([
      OPTOUT_COMMAND,
      { name: 'help', description: 'Help' },
    ]);
    expect(again?.find((c) => c.name === 'optout')?.id).toBe(first?.first()?.id);
    await client.guilds.cache
      .get(GUILD_A)
      ?.commands.set([{ name: 'admin', description: 'Admin tools' }]);
    expect(fake.registeredCommands().map((c) => (c as { name: string }).name)).toEqual([
      'optout',
      'help',
    ]);
    expect(fake.registeredCommands(GUILD_A)).toEqual([
      expect.objectContaining({ name: 'admin', guild_id: GUILD_A }),
    ]);
    expect(fake.registeredCommands(GUILD_B)).toEqual([]);
  });

  it('makes discord.js wait and retry after an injected 429', async () => {
    const client = await login(fake);
    const limited: number[] = [];
    client.rest.on('rateLimited', (info) => limited.push(info.retryAfter));
    fake.rateLimit({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, 0.5);
    const started = Date.now();
    const sent = await sendable(client, CHANNEL_A).send('after the limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(sent.content).toBe('after the limit');
    expect(limited).toHaveLength(1);
    const posts = fake.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages'));
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(posts[0]?.response).toEqual({
      message: 'You are being rate limited.',
      retry_after: 0.5,
      global: false,
    });
    expect(fake.violations).toEqual([]);
  });

  it('serves an injected fault, which discord.js retries when it is a 5xx', async () => {
    const client = await login(fake);
    fake.fault(
      { method: 'POST', path: /^\/channels\/\d+\/messages$/ },
      { status: 502, body: { message: 'Bad Gateway', code: 0 } },
    );
    const sent = await sendable(client, CHANNEL_A).send('despite the outage');
    expect(sent.content).toBe('despite the outage');
    const posts = fake.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/messages'));
    expect(posts.map((c) => c.status)).toEqual([502, 200]);
    expect(fake.violations).toEqual([]);
  });

  it('sends rate-limit headers, 401 without a token and 404 for unknown routes', async () => {
    const auth = { Authorization: `Bot ${fake.token}` };
    const me = await fetch(`${fake.apiUrl}/v10/users/@me`, { headers: auth });
    expect(me.status).toBe(200);
    for (const header of ['Limit', 'Remaining', 'Reset', 'Reset-After', 'Bucket']) {
      expect(me.headers.get(`X-RateLimit-${header}`)).toBeTruthy();
    }
    const anonymous = await fetch(`${fake.apiUrl}/v10/users/@me`);
    expect([anonymous.status, await anonymous.json()]).toEqual([
      401,
      { message: '401: Unauthorized', code: 0 },
    ]);
    const unknown = await fetch(`${fake.apiUrl}/v10/guilds/${GUILD_A}/bans`, { headers: auth });
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      { message: '404: Not Found', code: 0 },
    ]);
    expect(unknown.headers.get('X-RateLimit-Bucket')).toBeTruthy();
  });

  it('enforces an optional global limit and records breaches', async () => {
    const limitedFake = await startFakeDiscord({ limits: { globalPerSecond: 3 } });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i += 1) {
        const res = await fetch(`${limitedFake.apiUrl}/v10/users/@me`, {
          headers: { Authorization: `Bot ${limitedFake.token}` },
        });
        statuses.push([
          res.status,
          res.headers.get('X-RateLimit-Global'),
          res.headers.get('X-RateLimit-Scope'),
        ]);
      }
      expect(statuses).toEqual([
        [200, null, null],
        [200, null, null],
        [200, null, null],
        [429, 'true', 'global'],
        [429, 'true', 'global'],
      ]);
      expect(limitedFake.violations).toHaveLength(2);
    } finally {
      await limitedFake.close();
    }
  });
});
