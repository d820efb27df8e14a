import type { FloodGuard } from '../../../src/app/flood-guard.js';
import { createI18n } from '../../../src/app/i18n.js';
import { createLocalizer, type Localizer } from '../../../src/app/localize.js';
import type { WalkthroughService } from '../../../src/app/service.js';
import { startDiscord, type DiscordBot } from '../../../src/bots/discord/discord-bot.js';
import { supportedLanguages } from '../../../src/locales/index.js';
import type {
  FakeComponent,
  FakeDiscord,
  FakeGuildSpec,
  FakeMessage,
  FakeUser,
  InjectedInteraction,
  SlashOption,
} from '../../fakes/discord/index.js';
import { shippedCatalog, type createTestApp } from '../../helpers/app.js';
import { testLogger } from '../telegram/harness.js';

/** The server the bot is in during the tests, with one text channel. */
export const GUILD = '400000000000000001';
export const CHANNEL = '400000000000000002';
export const guilds: FakeGuildSpec[] = [
  { id: GUILD, name: 'Artists', channels: [{ id: CHANNEL, name: 'general' }] },
];

/** The shipped texts, with times as Discord timestamps (`<t:unix:R>`). */
export const discordLocalizer: Localizer = createLocalizer(createI18n(shippedCatalog), 'discord');

/** Starts the real adapter (discord.js against the fake) on a test app. */
export function startTestDiscord(
  fake: FakeDiscord,
  app: ReturnType<typeof createTestApp>,
  options: {
    readonly lines?: string[];
    readonly guildId?: string;
    readonly service?: WalkthroughService;
    readonly deferAfterMs?: number;
    readonly flood?: FloodGuard;
  } = {},
): Promise<DiscordBot> {
  return startDiscord({
    token: fake.token,
    apiUrl: fake.apiUrl,
    ...(options.guildId === undefined ? {} : { guildId: options.guildId }),
    service: options.service ?? app.service,
    localizer: discordLocalizer,
    catalog: shippedCatalog,
    languages: supportedLanguages,
    log: testLogger(options.lines),
    ...(options.deferAfterMs === undefined ? {} : { deferAfterMs: options.deferAfterMs }),
    ...(options.flood === undefined ? {} : { flood: options.flood }),
  });
}

/** What a user sees of a message: the line above it, then each embed's title and description. */
export function textOf(message: FakeMessage | undefined): string {
  if (!message) return '';
  const embeds = message.embeds.flatMap((e) =>
    [e['title'], e['description']].filter((v): v is string => typeof v === 'string'),
  );
  return [message.content, ...embeds].filter((s) => s !== '').join('\n');
}

/** A button as shown: label, and either its custom id or its link. */
export interface ShownButton {
  readonly label: string | undefined;
  readonly customId: string | undefined;
  readonly url: string | undefined;
}

/** The buttons of a message, row by row, flattened. */
export function buttonsOf(message: FakeMessage | undefined): ShownButton[] {
  const walk = (components: readonly FakeComponent[]): FakeComponent[] =>
    components.flatMap((c) => (c.type === 2 ? [c] : walk(c.components ?? [])));
  return walk(message?.components ?? []).map((b) => ({
    label: b.label,
    customId: b.custom_id,
    url: b.url,
  }));
}

/** The interaction webhook path of an interaction (follow-ups, `@original`). */
export const webhookOf = (fake: FakeDiscord, handle: InjectedInteraction): string =>
  `/webhooks/${fake.applicationId}/${handle.token}`;

/**
 * A Discord user driving the bot through the fake: runs commands, clicks buttons the bot sent,
 * and waits until the bot has finished answering each time.
 */
export function discordUser(fake: FakeDiscord, user: FakeUser) {
  /** Waits for the acknowledgement and, after a deferral, for the answer that fills it. */
  const settle = async (handle: InjectedInteraction): Promise<void> => {
    await fake.waitForAck(handle, 5000);
    const type = fake.callbackOf(handle)?.type;
    if (type === 5 || type === 6) {
      const webhook = webhookOf(fake, handle);
      await fake.waitFor(
        (r) =>
          r.status < 300 &&
          ((r.method === 'PATCH' && r.path === `${webhook}/messages/@original`) ||
            (r.method === 'POST' && r.path === webhook)),
        5000,
      );
    }
  };

  return {
    user,
    /**
     * Runs `/name` with options, in the server unless `where.dm`, and returns the interaction and
     * the answer as the user finally sees it.
     */
    async slash(
      name: string,
      options: readonly SlashOption[] = [],
      where: { readonly dm?: boolean; readonly locale?: string; readonly forge?: boolean } = {},
    ): Promise<{ interaction: InjectedInteraction; response: FakeMessage | undefined }> {
      const interaction = await fake.slash(user, {
        name,
        options,
        ...(where.dm ? {} : { guildId: GUILD }),
        ...(where.locale ? { locale: where.locale } : {}),
        ...(where.forge ? { forge: true } : {}),
      });
      await settle(interaction);
      return { interaction, response: fake.responseOf(interaction) };
    },
    /** The messages in the user's DM with the bot, oldest first. */
    dm(): FakeMessage[] {
      const channel = fake.dmChannelOf(user);
      return channel === undefined ? [] : fake.messages(channel);
    },
    /** Clicks the button labelled `label`; returns the interaction and the message as left. */
    async click(
      message: FakeMessage | undefined,
      label: string,
    ): Promise<{ interaction: InjectedInteraction; message: FakeMessage | undefined }> {
      const button = buttonsOf(message).find((b) => b.label === label);
      if (!message || button?.customId === undefined) {
        const labels = buttonsOf(message).map((b) => b.label);
        throw new Error(`no "${label}" action button; buttons: ${labels.join(' | ')}`);
      }
      return this.clickId(message, button.customId);
    },
    /** Clicks a button by custom id (any id with `forge`); returns the message as left. */
    async clickId(
      message: FakeMessage,
      customId: string,
      forge = false,
    ): Promise<{ interaction: InjectedInteraction; message: FakeMessage | undefined }> {
      const interaction = await fake.click(user, message, customId, { forge });
      await settle(interaction);
      return { interaction, message: fake.message(message.id) };
    },
    /** Waits for the ephemeral follow-up of an interaction and returns it. */
    async followUp(interaction: InjectedInteraction): Promise<FakeMessage | undefined> {
      const webhook = webhookOf(fake, interaction);
      await fake.waitFor((r) => r.method === 'POST' && r.path === webhook && r.status < 300, 5000);
      return fake.followUpsOf(interaction).at(-1);
    },
  };
}

/**
 * Every request the bot made passed Discord's rules, and every interaction was acknowledged
 * exactly once, within 3 s.
 */
export function misbehaviour(fake: FakeDiscord): { violations: string[]; acks: unknown[] } {
  return {
    violations: fake.violations.map(
      (v) =>
        `${v.method} ${v.path} ${v.status}: ${v.violation ?? ''} ${JSON.stringify(v.response)}`,
    ),
    acks: fake
      .acknowledgements()
      .filter((a) => a.count !== 1 || a.firstAckMs === null || a.firstAckMs >= 3000),
  };
}
