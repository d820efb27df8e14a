import { FormIssues, isRecord } from './form-errors.js';
import { editStored, postMessage, storeMessage, type PostTarget } from './message-ops.js';
import {
  NotFound,
  apiError,
  invalidForm,
  noContent,
  ok,
  type RestRequest,
  type RestResult,
  type Route,
  type RouteDeps,
} from './rest-kit.js';
import type { InteractionRecord, StoredMessage, World } from './state.js';
import {
  InteractionType,
  checkAutocompleteData,
  checkCallbackType,
  checkDeferData,
  checkModalData,
} from './validate-callback.js';
import { EMPTY_MESSAGE, MessageFlag } from './validate-message.js';

/**
 * The interaction callback and the interaction webhook (follow-ups, `@original`), with Discord's
 * timing rules (platforms.md B5): first callback within the deadline (10062 otherwise), exactly one
 * callback (40060), webhooks usable for 15 minutes after an accepted callback.
 */
export function interactionRoutes(deps: RouteDeps): Route[] {
  const { world } = deps;
  return [
    {
      method: 'POST',
      pattern: /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
      auth: false,
      handle: (req, [id, token]) => callback(world, req, id, token),
    },
    {
      method: 'POST',
      pattern: /^\/webhooks\/(\d+)\/([^/]+)$/,
      auth: false,
      handle: (req, [app, token]) =>
        withWebhook(world, req, app, token, (rec) => followUp(world, req, rec)),
    },
    ...(['GET', 'PATCH', 'DELETE'] as const).map((method): Route => ({
      method,
      pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
      auth: false,
      handle: (req, [app, token, target]) =>
        withWebhook(world, req, app, token, (rec) => {
          const stored = webhookMessage(world, rec, target ?? '');
          if (!stored) return NotFound.message();
          if (method === 'GET') return ok(stored.message);
          if (method === 'DELETE') {
            stored.deleted = true;
            return noContent();
          }
          const edited = editStored(world, stored, req.body, req.files);
          if ('refused' in edited) return edited.refused;
          if (stored.message.id === rec.originalMessageId) rec.loading = false;
          return ok(edited.value.message);
        }),
    })),
  ];
}

/** `POST /interactions/{id}/{token}/callback`. */
function callback(world: World, req: RestRequest, id?: string, token?: string): RestResult {
  const rec = world.interactions.get(id ?? '');
  if (!rec || rec.token !== token) return NotFound.interaction();
  rec.callbacks += 1;
  if (rec.firstAckAt !== null)
    return apiError(400, 40060, 'Interaction has already been acknowledged');
  if (req.receivedAt - rec.dispatchedAt > world.config.ackDeadlineMs) {
    const late = NotFound.interaction();
    return {
      ...late,
      violation: `${late.violation ?? ''} (callback ${req.receivedAt - rec.dispatchedAt} ms after dispatch)`,
    };
  }
  const body = isRecord(req.body) ? req.body : {};
  const issues = new FormIssues();
  checkCallbackType(issues, rec.type, body.type);
  if (!issues.empty) return invalidForm(issues);
  const type = body.type as number;
  const outcome = respond(world, req, rec, type, body.data);
  if ('refused' in outcome) return outcome.refused;
  rec.firstAckAt = req.receivedAt;
  rec.ackType = type;
  rec.ackBody = { type, data: body.data };
  if (req.query.with_response !== 'true') return noContent();
  const message = outcome.message;
  return ok({
    interaction: {
      id: rec.id,
      type: rec.type,
      ...(message
        ? {
            response_message_id: message.message.id,
            response_message_loading: (message.fields.flags & MessageFlag.Loading) !== 0,
            response_message_ephemeral: (message.fields.flags & MessageFlag.Ephemeral) !== 0,
          }
        : {}),
    },
    resource: { type, ...(message ? { message: message.message } : {}) },
  });
}

/** Applies an accepted callback type to the world; refuses invalid data. */
function respond(
  world: World,
  req: RestRequest,
  rec: InteractionRecord,
  type: number,
  data: unknown,
): { refused: RestResult } | { message: StoredMessage | null } {
  const issues = new FormIssues();
  switch (type) {
    case 4: {
      const posted = postMessage(world, responseTarget(world, rec), data, req.files, ['data']);
      if ('refused' in posted) return posted;
      rec.originalMessageId = posted.value.message.id;
      return { message: posted.value };
    }
    case 5: {
      const ephemeral = checkDeferData(issues, data);
      if (!issues.empty) return { refused: invalidForm(issues) };
      const loading = storeMessage(world, responseTarget(world, rec), {
        ...EMPTY_MESSAGE,
        flags: MessageFlag.Loading | ephemeral,
      });
      rec.originalMessageId = loading.message.id;
      rec.loading = true;
      return { message: loading };
    }
    case 6:
    case 7: {
      const source = world.liveMessage(rec.sourceMessageId);
      if (!source) return { refused: NotFound.message() };
      rec.originalMessageId = source.message.id;
      if (type === 6) return { message: null };
      const edited = editStored(world, source, data ?? {}, req.files, ['data']);
      return 'refused' in edited ? edited : { message: edited.value };
    }
    case 8:
      checkAutocompleteData(issues, data);
      return issues.empty ? { message: null } : { refused: invalidForm(issues) };
    case 9:
      checkModalData(issues, data);
      return issues.empty ? { message: null } : { refused: invalidForm(issues) };
    default:
      return { refused: NotFound.route() };
  }
}

/** Where an interaction's response or follow-up goes, and who sees it if ephemeral. */
function responseTarget(world: World, rec: InteractionRecord): PostTarget {
  const command = rec.type === InteractionType.Command;
  const data = isRecord(rec.payload.data) ? rec.payload.data : {};
  const user = isRecord(rec.payload.member) ? rec.payload.member.user : rec.payload.user;
  const owners = rec.payload.authorizing_integration_owners;
  return {
    channelId: rec.channelId,
    allowEphemeral: true,
    viewer: rec.user.id,
    interactionId: rec.id,
    meta: {
      type: command ? 20 : 0,
      applicationId: world.config.applicationId,
      interactionMetadata: {
        id: rec.id,
        type: rec.type,
        user,
        authorizing_integration_owners: owners,
        ...(command ? { name: data.name, command_type: data.type } : {}),
        ...(rec.sourceMessageId ? { interacted_message_id: rec.sourceMessageId } : {}),
      },
      ...(command ? { interaction: { id: rec.id, type: rec.type, name: data.name, user } } : {}),
    },
  };
}

/** Resolves the interaction of a webhook token and enforces the webhook's validity. */
function withWebhook(
  world: World,
  req: RestRequest,
  app: string | undefined,
  token: string | undefined,
  handle: (rec: InteractionRecord) => RestResult,
): RestResult {
  const rec = world.interactionByToken(token ?? '');
  if (!rec || app !== world.config.applicationId) return NotFound.webhook();
  if (req.receivedAt - rec.dispatchedAt > world.config.tokenLifetimeMs) {
    return apiError(401, 50027, 'Invalid Webhook Token');
  }
  if (rec.firstAckAt === null) {
    const refused = NotFound.webhook();
    return {
      ...refused,
      violation: `${refused.violation ?? ''} (interaction not acknowledged yet)`,
    };
  }
  return handle(rec);
}

/** `POST /webhooks/{app}/{token}`: fills a deferred response first, then adds follow-ups. */
function followUp(world: World, req: RestRequest, rec: InteractionRecord): RestResult {
  const original = world.liveMessage(rec.originalMessageId);
  let result: StoredMessage;
  if (rec.loading && original) {
    const filled = editStored(world, original, req.body, req.files);
    if ('refused' in filled) return filled.refused;
    rec.loading = false;
    result = filled.value;
  } else {
    const posted = postMessage(world, responseTarget(world, rec), req.body, req.files);
    if ('refused' in posted) return posted.refused;
    rec.followUpIds.push(posted.value.message.id);
    result = posted.value;
  }
  return req.query.wait === 'true' ? ok(result.message) : noContent();
}

/** The message `@original` or an id designates, if it belongs to this interaction. */
function webhookMessage(
  world: World,
  rec: InteractionRecord,
  target: string,
): StoredMessage | undefined {
  const id = target === '@original' ? rec.originalMessageId : target;
  if (id === null) return undefined;
  if (id !== rec.originalMessageId && !rec.followUpIds.includes(id)) return undefined;
  return world.liveMessage(id);
}
