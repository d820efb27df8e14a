import { FormIssues, isRecord } from './form-errors.js';
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
import type { StoredCommand, World } from './state.js';
import { validateCommand, validateCommandList } from './validate-command.js';

/** Capture groups: application id, optional guild id, optional command id. */
const SCOPE = String.raw`^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands`;

/**
 * Application command registration, global and per guild (platforms.md B6): bulk PUT, GET,
 * POST (upsert by name), PATCH, DELETE, with Discord's naming and structure rules (50035).
 */
export function commandRoutes(deps: RouteDeps): Route[] {
  const { world } = deps;
  const scoped =
    (
      handle: (
        req: RestRequest,
        list: StoredCommand[],
        guildId: string | null,
        id: string | null,
      ) => RestResult,
    ) =>
    (req: RestRequest, [app, guild, id]: readonly string[]): RestResult => {
      if (app !== world.config.applicationId) return apiError(403, 50001, 'Missing Access');
      // Optional groups that did not participate arrive as ''.
      const guildId = guild ? guild : null;
      if (guildId !== null && !world.guilds.has(guildId)) {
        return apiError(403, 50001, 'Missing Access');
      }
      return handle(req, world.commandsOf(guildId), guildId, id ? id : null);
    };
  return [
    {
      method: 'GET',
      pattern: new RegExp(`${SCOPE}$`),
      auth: true,
      handle: scoped((_req, list) => ok(list)),
    },
    {
      method: 'PUT',
      pattern: new RegExp(`${SCOPE}$`),
      auth: true,
      handle: scoped((req, list, guildId) => {
        const issues = new FormIssues();
        validateCommandList(issues, req.body, guildId !== null);
        if (!issues.empty) return invalidForm(issues);
        const next = (req.body as unknown[]).map((raw) => normalize(world, raw, guildId, list));
        list.splice(0, list.length, ...next);
        return ok(next);
      }),
    },
    {
      method: 'POST',
      pattern: new RegExp(`${SCOPE}$`),
      auth: true,
      handle: scoped((req, list, guildId) => {
        const issues = new FormIssues();
        validateCommand(issues, [], req.body, guildId !== null);
        if (!issues.empty) return invalidForm(issues);
        const command = normalize(world, req.body, guildId, list);
        const index = list.findIndex((c) => c.id === command.id);
        if (index >= 0) list[index] = command;
        else list.push(command);
        return ok(command, index >= 0 ? 200 : 201);
      }),
    },
    {
      method: 'GET',
      pattern: new RegExp(`${SCOPE}\\/(\\d+)$`),
      auth: true,
      handle: scoped((_req, list, _guild, id) => {
        const command = list.find((c) => c.id === id);
        return command ? ok(command) : NotFound.command();
      }),
    },
    {
      method: 'PATCH',
      pattern: new RegExp(`${SCOPE}\\/(\\d+)$`),
      auth: true,
      handle: scoped((req, list, guildId, id) => {
        const index = list.findIndex((c) => c.id === id);
        const existing = list[index];
        if (!existing) return NotFound.command();
        const merged = { ...existing, ...(isRecord(req.body) ? req.body : {}) };
        const issues = new FormIssues();
        validateCommand(issues, [], stripServerFields(merged), guildId !== null);
        if (!issues.empty) return invalidForm(issues);
        const command = { ...normalize(world, merged, guildId, []), id: existing.id };
        list[index] = command;
        return ok(command);
      }),
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`${SCOPE}\\/(\\d+)$`),
      auth: true,
      handle: scoped((_req, list, _guild, id) => {
        const index = list.findIndex((c) => c.id === id);
        if (index < 0) return NotFound.command();
        list.splice(index, 1);
        return noContent();
      }),
    },
  ];
}

/** Drops the fields Discord adds, so an edited command validates like a new one. */
function stripServerFields(command: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...command };
  for (const key of ['id', 'application_id', 'version', 'guild_id']) delete rest[key];
  return rest;
}

/**
 * The stored form of a validated command: Discord's defaults filled in; the id of an existing
 * command with the same type and name is kept, as Discord does on overwrite.
 */
function normalize(
  world: World,
  raw: unknown,
  guildId: string | null,
  existing: readonly StoredCommand[],
): StoredCommand {
  const input = stripServerFields(isRecord(raw) ? raw : {});
  const type = typeof input.type === 'number' ? input.type : 1;
  const name = String(input.name);
  const previous = existing.find((c) => c.type === type && c.name === name);
  return {
    ...input,
    id: previous?.id ?? world.nextId(),
    application_id: world.config.applicationId,
    version: world.nextId(),
    type,
    name,
    name_localizations: input.name_localizations ?? null,
    description: typeof input.description === 'string' ? input.description : '',
    description_localizations: input.description_localizations ?? null,
    default_member_permissions: input.default_member_permissions ?? null,
    nsfw: input.nsfw === true,
    ...(guildId === null
      ? {
          contexts: input.contexts ?? null,
          integration_types: input.integration_types ?? [0],
          dm_permission: input.dm_permission ?? true,
        }
      : { guild_id: guildId }),
  };
}
