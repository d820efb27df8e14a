import { BOT_PERMISSIONS, apiChannel, apiMember, apiUser } from './objects.js';
import type { ChannelState, GuildState } from './state.js';
import type { FakeMessage, FakeUser } from './types.js';

/** Who, where and in which language an interaction happens. */
export interface InteractionScene {
  readonly id: string;
  readonly token: string;
  readonly applicationId: string;
  readonly user: FakeUser;
  readonly locale: string;
  /** Null in the bot's DM. */
  readonly guild: GuildState | null;
  readonly channel: ChannelState;
}

/**
 * The INTERACTION_CREATE `d` object shared by every interaction type (platforms.md B4): `member`
 * with `permissions` in a guild, `user` in a DM, a partial `channel`, `locale` / `guild_locale`,
 * `entitlements: []`, `authorizing_integration_owners`, `context` (0 guild, 1 bot DM).
 */
export function interactionEnvelope(
  scene: InteractionScene,
  type: number,
  data: Record<string, unknown>,
  message?: FakeMessage,
): Record<string, unknown> {
  const user = apiUser(scene.user);
  const { guild } = scene;
  const where = guild
    ? {
        guild_id: guild.id,
        guild: { id: guild.id, locale: guild.preferredLocale, features: [] },
        member: { ...apiMember(user, guild.joinedAt), permissions: scene.user.memberPermissions },
        guild_locale: guild.preferredLocale,
        authorizing_integration_owners: { 0: guild.id },
        context: 0,
      }
    : {
        user,
        authorizing_integration_owners: { 0: '0' },
        context: 1,
      };
  return {
    id: scene.id,
    application_id: scene.applicationId,
    type,
    token: scene.token,
    version: 1,
    data,
    channel_id: scene.channel.id,
    channel: {
      ...apiChannel(scene.channel, user),
      ...(guild ? { permissions: BOT_PERMISSIONS } : {}),
    },
    app_permissions: BOT_PERMISSIONS,
    locale: scene.locale,
    entitlements: [],
    attachment_size_limit: 10_485_760,
    ...where,
    ...(message ? { message } : {}),
  };
}

/** `data` of a button click or select choice. */
export function componentData(
  customId: string,
  componentType: number,
  values?: readonly string[],
): Record<string, unknown> {
  return {
    custom_id: customId,
    component_type: componentType,
    ...(values ? { values: [...values] } : {}),
  };
}
