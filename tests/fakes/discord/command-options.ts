import { FakeDiscordUsageError } from './config.js';
import { isRecord } from './form-errors.js';
import { apiChannel, apiMember, apiUser } from './objects.js';
import type { GuildState, World } from './state.js';
import type { SlashOption } from './types.js';

/** Option types of application commands. */
const T = {
  Sub: 1,
  Group: 2,
  String: 3,
  Integer: 4,
  Boolean: 5,
  User: 6,
  Channel: 7,
  Role: 8,
  Mentionable: 9,
  Number: 10,
  Attachment: 11,
} as const;

/** The `options` and `resolved` parts of an application command interaction's `data`. */
export interface BuiltOptions {
  readonly options: Array<Record<string, unknown>>;
  readonly resolved: Record<string, Record<string, unknown>>;
}

/** How options are built. */
export interface OptionContext {
  readonly world: World;
  readonly guild: GuildState | null;
  /** `/name` for error messages. */
  readonly command: string;
  /** Autocomplete: required options may be missing. */
  readonly partial: boolean;
  /** Autocomplete: the option being typed. */
  readonly focused?: { readonly name: string; readonly value: string };
}

/**
 * Turns the test's `{name, value}` options into the wire shape, typed from the registered option
 * definitions `defs` (null when forging: types come from `type` or the JS value). Throws a
 * {@link FakeDiscordUsageError} for what a Discord client would never send: unknown options,
 * missing required ones, wrong types, values outside `choices` or min/max.
 */
export function buildOptions(
  ctx: OptionContext,
  defs: readonly unknown[] | null,
  inputs: readonly SlashOption[],
): BuiltOptions {
  const resolved: Record<string, Record<string, unknown>> = {};
  const options = buildLevel(ctx, defs, inputs, resolved, ctx.command);
  return { options, resolved };
}

function buildLevel(
  ctx: OptionContext,
  defs: readonly unknown[] | null,
  inputs: readonly SlashOption[],
  resolved: Record<string, Record<string, unknown>>,
  where: string,
): Array<Record<string, unknown>> {
  const defList = (defs ?? []).filter(isRecord);
  const out: Array<Record<string, unknown>> = [];
  for (const input of inputs) {
    const def = defList.find((d) => d.name === input.name);
    if (defs !== null && !def) {
      const known = defList.map((d) => String(d.name)).join(', ');
      fail(`${where} has no option "${input.name}" (registered: ${known || 'none'})`);
    }
    const type = typeof def?.type === 'number' ? def.type : (input.type ?? inferType(input));
    if (type === T.Sub || type === T.Group) {
      const childDefs = def ? (Array.isArray(def.options) ? def.options : []) : null;
      const children = buildLevel(
        ctx,
        childDefs,
        input.options ?? [],
        resolved,
        `${where} ${input.name}`,
      );
      out.push({ name: input.name, type, options: children });
      continue;
    }
    if (def) checkValue(def, type, input.value, `${where} ${input.name}`);
    out.push({ name: input.name, type, value: input.value });
    addResolved(ctx, type, input.value, resolved);
  }
  const hasSub = out.some((o) => o.type === T.Sub || o.type === T.Group);
  if (ctx.focused && !hasSub) out.push(focusedOption(ctx.focused, defList, defs === null, where));
  if (defs !== null && !ctx.partial) checkComplete(defList, out, where);
  return out;
}

/** The option being typed in an autocomplete interaction (value always a string). */
function focusedOption(
  focused: { readonly name: string; readonly value: string },
  defs: ReadonlyArray<Record<string, unknown>>,
  forged: boolean,
  where: string,
): Record<string, unknown> {
  const def = defs.find((d) => d.name === focused.name);
  if (!forged && def?.autocomplete !== true) {
    fail(`${where} ${focused.name} is not an autocomplete option`);
  }
  const type = typeof def?.type === 'number' ? def.type : T.String;
  return { name: focused.name, type, value: focused.value, focused: true };
}

/** Required options present; a subcommand chosen when the level has subcommands. */
function checkComplete(
  defs: ReadonlyArray<Record<string, unknown>>,
  built: ReadonlyArray<Record<string, unknown>>,
  where: string,
): void {
  const subs = defs.filter((d) => d.type === T.Sub || d.type === T.Group);
  if (subs.length > 0 && built.length === 0) {
    fail(`${where} needs a subcommand (one of: ${subs.map((d) => String(d.name)).join(', ')})`);
  }
  for (const def of defs) {
    if (def.required === true && !built.some((o) => o.name === def.name)) {
      fail(`${where} is missing required option "${String(def.name)}"`);
    }
  }
}

function checkValue(
  def: Record<string, unknown>,
  type: number,
  value: unknown,
  where: string,
): void {
  const expected =
    type === T.Boolean ? 'boolean' : type === T.Integer || type === T.Number ? 'number' : 'string';
  if (typeof value !== expected || (type === T.Integer && !Number.isInteger(value))) {
    fail(
      `${where} expects a ${type === T.Integer ? 'integer' : expected}, got ${JSON.stringify(value)}`,
    );
  }
  if (Array.isArray(def.choices) && def.choices.length > 0) {
    const allowed = def.choices.filter(isRecord).map((c) => c.value);
    if (!allowed.includes(value)) fail(`${where} must be one of ${JSON.stringify(allowed)}`);
  }
  if (typeof value === 'number') {
    if (typeof def.min_value === 'number' && value < def.min_value)
      fail(`${where} is below min_value`);
    if (typeof def.max_value === 'number' && value > def.max_value)
      fail(`${where} is above max_value`);
  }
  if (typeof value === 'string') {
    if (typeof def.min_length === 'number' && value.length < def.min_length)
      fail(`${where} is shorter than min_length`);
    if (typeof def.max_length === 'number' && value.length > def.max_length)
      fail(`${where} is longer than max_length`);
  }
}

/** Fills `data.resolved` for user, channel, role and attachment options. */
function addResolved(
  ctx: OptionContext,
  type: number,
  value: unknown,
  resolved: Record<string, Record<string, unknown>>,
): void {
  if (typeof value !== 'string') return;
  const put = (key: string, entry: unknown): void => {
    resolved[key] = { ...(resolved[key] ?? {}), [value]: entry };
  };
  if (type === T.User || type === T.Mentionable) {
    const known = ctx.world.users.get(value);
    const user = known
      ? apiUser(known)
      : {
          id: value,
          username: `user${value.slice(-4)}`,
          discriminator: '0',
          global_name: null,
          avatar: null,
          public_flags: 0,
        };
    put('users', user);
    if (ctx.guild)
      put('members', { ...apiMember(user, ctx.guild.joinedAt, false), permissions: '0' });
  } else if (type === T.Channel) {
    const channel = ctx.world.channels.get(value);
    put(
      'channels',
      channel
        ? { ...apiChannel(channel, null), permissions: '0' }
        : { id: value, type: 0, name: 'unknown', permissions: '0' },
    );
  } else if (type === T.Role) {
    put('roles', {
      id: value,
      name: value === ctx.guild?.id ? '@everyone' : 'role',
      color: 0,
      hoist: false,
      position: 0,
      permissions: '0',
      managed: false,
      mentionable: false,
      flags: 0,
    });
  } else if (type === T.Attachment) {
    put('attachments', {
      id: value,
      filename: 'file.txt',
      size: 1,
      url: `https://cdn.invalid/${value}`,
      proxy_url: `https://cdn.invalid/${value}`,
    });
  }
}

/** Option type of a forged option, from its shape or JS value. */
function inferType(input: SlashOption): number {
  if (input.options) return T.Sub;
  if (typeof input.value === 'boolean') return T.Boolean;
  if (typeof input.value === 'number') return Number.isInteger(input.value) ? T.Integer : T.Number;
  return T.String;
}

function fail(message: string): never {
  throw new FakeDiscordUsageError(`fake-discord: ${message}`);
}
