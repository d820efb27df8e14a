import {
  deleteMessage,
  editMessageReplyMarkup,
  editMessageText,
  sendChatAction,
  sendDocument,
  sendMessage,
} from './messages.js';
import { findChat, refused, success, violation, type MethodOutcome } from './outcome.js';
import { boolParam, intParam, strParam } from './params.js';
import { badRequest, checkCommands, checkLanguageCode, checkScope, LIMITS } from './validate.js';
import { apiBotUser, apiChatMember, apiUser, type World } from './world.js';

type Params = Record<string, unknown>;

/** Side effects a method has on the update queue, which lives in the server. */
export interface QueueControl {
  clear(): void;
  readonly size: number;
}

type Handler = (world: World, params: Params, queue: QueueControl) => MethodOutcome;

const QUERY_TOO_OLD = 'query is too old and response timeout expired or query ID is invalid';

function answerCallbackQuery(world: World, params: Params): MethodOutcome {
  const id = strParam(params, 'callback_query_id') ?? '';
  if (world.callbackQueries.get(id) !== false) return violation(badRequest(QUERY_TOO_OLD));
  if ((strParam(params, 'text') ?? '').length > LIMITS.callbackAnswerText) {
    return violation(badRequest('MESSAGE_TOO_LONG'));
  }
  world.callbackQueries.set(id, true);
  return success(true);
}

/** Reads scope + language_code into the storage key of `World.commands`. */
function commandsKey(
  params: Params,
): { type: 'key'; key: string } | { type: 'outcome'; outcome: MethodOutcome } {
  const scope = checkScope(params);
  if (scope.type === 'error') return { type: 'outcome', outcome: violation(scope.error) };
  const language = checkLanguageCode(params);
  if (language.type === 'error') return { type: 'outcome', outcome: violation(language.error) };
  return { type: 'key', key: `${scope.value}|${language.value}` };
}

function setMyCommands(world: World, params: Params): MethodOutcome {
  const key = commandsKey(params);
  if (key.type === 'outcome') return key.outcome;
  const commands = checkCommands(params);
  if (commands.type === 'error') return violation(commands.error);
  if (commands.value.length === 0) world.commands.delete(key.key);
  else world.commands.set(key.key, commands.value);
  return success(true);
}

function getMyCommands(world: World, params: Params): MethodOutcome {
  const key = commandsKey(params);
  if (key.type === 'outcome') return key.outcome;
  return success(world.commands.get(key.key) ?? []);
}

function deleteMyCommands(world: World, params: Params): MethodOutcome {
  const key = commandsKey(params);
  if (key.type === 'outcome') return key.outcome;
  world.commands.delete(key.key);
  return success(true);
}

function getChatMember(world: World, params: Params): MethodOutcome {
  const found = findChat(world, params);
  if (found.type === 'outcome') return found.outcome;
  const userId = intParam(params, 'user_id');
  const user =
    userId === world.bot.id
      ? apiBotUser(world.bot)
      : userId === undefined
        ? undefined
        : world.users.get(userId)?.fake;
  if (user === undefined || userId === undefined) return refused(badRequest('user not found'));
  const apiUserObject = 'is_bot' in user ? user : apiUser(user);
  return success(apiChatMember(apiUserObject, world.memberStatus(found.chat, userId)));
}

function setWebhook(world: World, params: Params, queue: QueueControl): MethodOutcome {
  const url = strParam(params, 'url') ?? '';
  const secretToken = strParam(params, 'secret_token');
  if (url !== '' && !/^https:\/\/\S+$/i.test(url)) {
    return violation(badRequest('bad webhook: An HTTPS URL must be provided for webhook'));
  }
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    return violation(badRequest('secret token contains unallowed characters'));
  }
  if (boolParam(params, 'drop_pending_updates')) queue.clear();
  world.webhook = { url, ...(secretToken === undefined ? {} : { secretToken }) };
  return success(true);
}

function deleteWebhook(world: World, params: Params, queue: QueueControl): MethodOutcome {
  if (boolParam(params, 'drop_pending_updates')) queue.clear();
  world.webhook = { url: '' };
  return success(true);
}

function getWebhookInfo(world: World, _params: Params, queue: QueueControl): MethodOutcome {
  return success({
    url: world.webhook.url,
    has_custom_certificate: false,
    pending_update_count: queue.size,
  });
}

/** Synchronous methods by lower-cased name (`getUpdates` is handled by the server). */
const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['getme', (world) => success(world.bot)],
  ['sendmessage', sendMessage],
  ['senddocument', sendDocument],
  ['editmessagetext', editMessageText],
  ['editmessagereplymarkup', editMessageReplyMarkup],
  ['deletemessage', deleteMessage],
  ['sendchataction', sendChatAction],
  ['answercallbackquery', answerCallbackQuery],
  ['setmycommands', setMyCommands],
  ['getmycommands', getMyCommands],
  ['deletemycommands', deleteMyCommands],
  ['getchatmember', getChatMember],
  ['setwebhook', setWebhook],
  ['deletewebhook', deleteWebhook],
  ['getwebhookinfo', getWebhookInfo],
]);

/** Runs a synchronous Bot API method; `unknown` for anything not implemented. */
export function runMethod(
  method: string,
  world: World,
  params: Params,
  queue: QueueControl,
): MethodOutcome {
  const handler = HANDLERS.get(method);
  return handler === undefined ? { type: 'unknown' } : handler(world, params, queue);
}
