import { isRecord } from './form-errors.js';
import { editStored, postMessage } from './message-ops.js';
import { apiChannel, apiUser } from './objects.js';
import { NotFound, apiError, noContent, ok, type Route, type RouteDeps } from './rest-kit.js';
import type { ChannelState, World } from './state.js';

/**
 * Gateway discovery, the bot's user and application, DM opening, channels and channel messages
 * (platforms.md B2, B7).
 */
export function channelRoutes(deps: RouteDeps): Route[] {
  const { world, config } = deps;
  return [
    {
      method: 'GET',
      pattern: /^\/gateway\/bot$/,
      auth: true,
      handle: () =>
        ok({
          url: deps.gatewayUrl(),
          shards: config.shards,
          session_start_limit: {
            total: 1000,
            remaining: 999,
            reset_after: 14_400_000,
            max_concurrency: config.maxConcurrency,
          },
        }),
    },
    {
      method: 'GET',
      pattern: /^\/gateway$/,
      auth: false,
      handle: () => ok({ url: deps.gatewayUrl() }),
    },
    {
      method: 'GET',
      pattern: /^\/users\/@me$/,
      auth: true,
      handle: () => ok({ ...world.bot, flags: 0, mfa_enabled: false, verified: true }),
    },
    {
      method: 'GET',
      pattern: /^\/users\/(\d+)$/,
      auth: true,
      handle: (_req, [id]) => {
        const user = world.users.get(id ?? '');
        if (id === world.bot.id) return ok(world.bot);
        return user ? ok(apiUser(user)) : apiError(404, 10013, 'Unknown User');
      },
    },
    {
      method: 'GET',
      pattern: /^\/(?:oauth2\/)?applications\/@me$/,
      auth: true,
      handle: () => ok(application(world)),
    },
    {
      method: 'POST',
      pattern: /^\/users\/@me\/channels$/,
      auth: true,
      handle: (req) => {
        const recipient = isRecord(req.body) ? req.body.recipient_id : undefined;
        const user = typeof recipient === 'string' ? world.users.get(recipient) : undefined;
        if (!user) return apiError(400, 50033, 'Invalid Recipient(s)');
        return ok(apiChannel(world.openDm(user.id), apiUser(user)));
      },
    },
    {
      method: 'GET',
      pattern: /^\/channels\/(\d+)$/,
      auth: true,
      handle: (_req, [id]) => {
        const channel = world.channels.get(id ?? '');
        return channel ? ok(apiChannel(channel, recipientOf(world, channel))) : NotFound.channel();
      },
    },
    {
      method: 'POST',
      pattern: /^\/channels\/(\d+)\/messages$/,
      auth: true,
      handle: (req, [id]) => {
        const channel = world.channels.get(id ?? '');
        if (!channel) return NotFound.channel();
        const recipient =
          channel.recipientId === null ? undefined : world.users.get(channel.recipientId);
        if (recipient?.dmsClosed)
          return apiError(403, 50007, 'Cannot send messages to this user', true);
        const type = isRecord(req.body) && isRecord(req.body.message_reference) ? 19 : 0;
        const posted = postMessage(
          world,
          {
            channelId: channel.id,
            allowEphemeral: false,
            viewer: null,
            interactionId: null,
            meta: { type },
          },
          req.body,
          req.files,
        );
        return 'refused' in posted ? posted.refused : ok(posted.value.message);
      },
    },
    {
      method: 'GET',
      pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/,
      auth: true,
      handle: (_req, [channelId, messageId]) => {
        const stored = channelMessage(world, channelId, messageId);
        return stored ? ok(stored.message) : NotFound.message();
      },
    },
    {
      method: 'PATCH',
      pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/,
      auth: true,
      handle: (req, [channelId, messageId]) => {
        const stored = channelMessage(world, channelId, messageId);
        if (!stored) return NotFound.message();
        const edited = editStored(world, stored, req.body, req.files);
        return 'refused' in edited ? edited.refused : ok(edited.value.message);
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/,
      auth: true,
      handle: (_req, [channelId, messageId]) => {
        const stored = channelMessage(world, channelId, messageId);
        if (!stored) return NotFound.message();
        stored.deleted = true;
        return noContent();
      },
    },
  ];
}

/** A live, non-ephemeral message of a channel (ephemeral ones are not reachable by channel routes). */
function channelMessage(
  world: World,
  channelId: string | undefined,
  messageId: string | undefined,
) {
  const stored = world.liveMessage(messageId ?? null);
  if (!stored || stored.message.channel_id !== channelId || stored.visibleTo !== null)
    return undefined;
  return stored;
}

function recipientOf(world: World, channel: ChannelState) {
  const user = channel.recipientId === null ? undefined : world.users.get(channel.recipientId);
  return user ? apiUser(user) : null;
}

/** The application object of `GET /applications/@me`. */
function application(world: World): Record<string, unknown> {
  return {
    id: world.config.applicationId,
    name: world.bot.username,
    icon: null,
    description: '',
    summary: '',
    type: null,
    bot: world.bot,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0,
    team: null,
    owner: {
      id: '300000000000000001',
      username: 'owner',
      discriminator: '0',
      global_name: null,
      avatar: null,
      public_flags: 0,
    },
    approximate_guild_count: world.guilds.size,
    interactions_endpoint_url: null,
    tags: [],
    install_params: null,
    integration_types_config: { 0: {}, 1: {} },
    redirect_uris: [],
  };
}
