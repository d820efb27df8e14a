import {
  checkArray,
  checkChoice,
  checkString,
  isRecord,
  type FieldPath,
  type FormIssues,
} from './form-errors.js';

/** Discord locale codes accepted as keys of `*_localizations` (developers/reference "Locales"). */
// prettier-ignore
export const DISCORD_LOCALES: readonly string[] = [
  'id', 'da', 'de', 'en-GB', 'en-US', 'es-ES', 'es-419', 'fr', 'hr', 'it', 'lt', 'hu', 'nl', 'no',
  'pl', 'pt-BR', 'ro', 'fi', 'sv-SE', 'vi', 'tr', 'cs', 'el', 'bg', 'ru', 'uk', 'hi', 'th', 'zh-CN',
  'ja', 'zh-TW', 'ko',
];

/** CHAT_INPUT command and option names (the @discordjs/builders rule, stricter than the docs). */
export const CHAT_INPUT_NAME = /^[-_\p{Ll}\p{Lm}\p{Lo}\p{N}\p{sc=Devanagari}\p{sc=Thai}]{1,32}$/u;

const COMMAND_TYPES = [1, 2, 3, 4];
const OPTION_TYPES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;
/** Option types that may carry `choices` / `autocomplete`: STRING, INTEGER, NUMBER. */
const CHOICE_TYPES = [3, 4, 10];
/** Per-scope limits: 100 CHAT_INPUT, 15 USER, 15 MESSAGE, 1 PRIMARY_ENTRY_POINT. */
const COUNT_LIMITS: Readonly<Record<number, number>> = { 1: 100, 2: 15, 3: 15, 4: 1 };

/**
 * Validates a bulk-overwrite body (`PUT .../commands`): each command, names unique per type, and
 * per-type counts.
 */
export function validateCommandList(issues: FormIssues, body: unknown, guild: boolean): void {
  if (!Array.isArray(body)) {
    issues.add([], 'BASE_TYPE_ARRAY', 'Must be an array.');
    return;
  }
  const seen = new Set<string>();
  const counts = new Map<number, number>();
  body.forEach((command, index) => {
    validateCommand(issues, [index], command, guild);
    if (!isRecord(command)) return;
    const type = typeof command.type === 'number' ? command.type : 1;
    const key = `${type}:${String(command.name)}`;
    if (seen.has(key)) {
      issues.add(
        [index, 'name'],
        'APPLICATION_COMMANDS_DUPLICATE_NAME',
        'Application command names must be unique',
      );
    }
    seen.add(key);
    counts.set(type, (counts.get(type) ?? 0) + 1);
  });
  for (const [type, count] of counts) {
    if (count > (COUNT_LIMITS[type] ?? 0)) {
      issues.add(
        [],
        'APPLICATION_COMMANDS_TOO_MANY',
        `Maximum number of application commands of type ${type} reached`,
      );
    }
  }
}

/**
 * Validates one command create/edit body (platforms.md B6): type, name rules by type, description
 * 1–100 (empty for USER/MESSAGE), localizations, options, permissions and contexts.
 */
export function validateCommand(
  issues: FormIssues,
  path: FieldPath,
  command: unknown,
  guild: boolean,
): void {
  if (!isRecord(command)) {
    issues.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  checkChoice(issues, [...path, 'type'], command.type, COMMAND_TYPES);
  const chatInput = command.type === undefined || command.type === 1;
  checkName(issues, [...path, 'name'], command.name, chatInput);
  checkLocalizations(issues, [...path, 'name_localizations'], command.name_localizations, (p, v) =>
    checkName(issues, p, v, chatInput),
  );
  if (chatInput) {
    checkString(issues, [...path, 'description'], command.description, {
      min: 1,
      max: 100,
      required: true,
    });
    checkLocalizations(
      issues,
      [...path, 'description_localizations'],
      command.description_localizations,
      (p, v) => checkString(issues, p, v, { min: 1, max: 100, required: true }),
    );
    checkOptions(issues, [...path, 'options'], command.options, 0);
  } else if (command.description !== undefined && command.description !== '') {
    issues.add(
      [...path, 'description'],
      'APPLICATION_COMMAND_DESCRIPTION_INVALID',
      'Only CHAT_INPUT commands have a description',
    );
  }
  const permissions = command.default_member_permissions;
  if (
    permissions !== undefined &&
    permissions !== null &&
    !(typeof permissions === 'string' && /^\d+$/.test(permissions))
  ) {
    issues.add(
      [...path, 'default_member_permissions'],
      'BASE_TYPE_STRING',
      'Must be a permission bitfield string.',
    );
  }
  if (!guild) {
    checkEnumArray(issues, [...path, 'contexts'], command.contexts, [0, 1, 2]);
    checkEnumArray(issues, [...path, 'integration_types'], command.integration_types, [0, 1]);
  }
}

/**
 * Options of a command (depth 0), of a group (depth 1) or of a subcommand (depth 2):
 * at most 25, unique names, subcommands not mixed with plain options, groups holding only
 * subcommands, required before optional, choices only on STRING/INTEGER/NUMBER.
 */
function checkOptions(issues: FormIssues, path: FieldPath, value: unknown, depth: number): void {
  const options = checkArray(issues, path, value, { max: 25 });
  if (!options) return;
  const names = new Set<string>();
  let sawOptional = false;
  const kinds = new Set<'sub' | 'plain'>();
  options.forEach((option, index) => {
    const at = [...path, index];
    if (!isRecord(option)) {
      issues.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    checkChoice(issues, [...at, 'type'], option.type, OPTION_TYPES, true);
    checkName(issues, [...at, 'name'], option.name, true);
    checkLocalizations(issues, [...at, 'name_localizations'], option.name_localizations, (p, v) =>
      checkName(issues, p, v, true),
    );
    checkString(issues, [...at, 'description'], option.description, {
      min: 1,
      max: 100,
      required: true,
    });
    checkLocalizations(
      issues,
      [...at, 'description_localizations'],
      option.description_localizations,
      (p, v) => checkString(issues, p, v, { min: 1, max: 100, required: true }),
    );
    if (typeof option.name === 'string') {
      if (names.has(option.name))
        issues.add(
          [...at, 'name'],
          'APPLICATION_COMMAND_OPTION_NAME_NOT_UNIQUE',
          'Option names must be unique',
        );
      names.add(option.name);
    }
    const isSub = option.type === SUB_COMMAND || option.type === SUB_COMMAND_GROUP;
    kinds.add(isSub ? 'sub' : 'plain');
    checkNesting(issues, at, option, depth);
    if (isSub) return;
    if (option.required === true && sawOptional) {
      issues.add(
        [...at, 'required'],
        'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
        'Required options must be placed before non-required options',
      );
    }
    if (option.required !== true) sawOptional = true;
    checkChoices(issues, at, option);
  });
  if (kinds.size > 1) {
    issues.add(
      path,
      'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID',
      'Sub-command and sub-command group option types are mutually exclusive to all other types',
    );
  }
}

/** Subcommand groups only at the top and holding subcommands; subcommands not below a subcommand. */
function checkNesting(
  issues: FormIssues,
  at: FieldPath,
  option: Record<string, unknown>,
  depth: number,
): void {
  const typePath = [...at, 'type'];
  if (option.type === SUB_COMMAND_GROUP) {
    if (depth !== 0)
      issues.add(
        typePath,
        'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
        'Sub-command groups must be top-level options',
      );
    const subs = checkArray(issues, [...at, 'options'], option.options, {
      min: 1,
      max: 25,
      required: true,
    });
    subs?.forEach((sub, index) => {
      if (isRecord(sub) && sub.type !== SUB_COMMAND) {
        issues.add(
          [...at, 'options', index, 'type'],
          'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
          'Sub-command groups may only contain sub-commands',
        );
      }
    });
    checkOptions(issues, [...at, 'options'], option.options, 1);
  } else if (option.type === SUB_COMMAND) {
    if (depth > 1)
      issues.add(
        typePath,
        'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
        'Sub-commands cannot be nested this deep',
      );
    checkOptions(issues, [...at, 'options'], option.options, 2);
  } else if (option.options !== undefined) {
    issues.add(
      [...at, 'options'],
      'APPLICATION_COMMAND_OPTION_OPTIONS_INVALID',
      'Only sub-commands and groups have options',
    );
  }
}

/** Choices: at most 25, only on choice types, not with autocomplete; names 1–100. */
function checkChoices(issues: FormIssues, at: FieldPath, option: Record<string, unknown>): void {
  if (option.choices === undefined) return;
  if (!CHOICE_TYPES.includes(Number(option.type))) {
    issues.add(
      [...at, 'choices'],
      'APPLICATION_COMMAND_OPTION_CHOICES_INVALID',
      'Only STRING, INTEGER and NUMBER options may have choices',
    );
  }
  if (option.autocomplete === true && Array.isArray(option.choices) && option.choices.length > 0) {
    issues.add(
      [...at, 'autocomplete'],
      'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_INVALID',
      'Autocomplete cannot be used with choices',
    );
  }
  const choices = checkArray(issues, [...at, 'choices'], option.choices, { max: 25 });
  choices?.forEach((choice, index) => {
    const choicePath = [...at, 'choices', index];
    const record = isRecord(choice) ? choice : {};
    checkString(issues, [...choicePath, 'name'], record.name, { min: 1, max: 100, required: true });
    if (typeof record.value === 'string')
      checkString(issues, [...choicePath, 'value'], record.value, { max: 100 });
    else if (typeof record.value !== 'number')
      issues.add([...choicePath, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
  });
}

/** A command/option name: the CHAT_INPUT pattern, or 1–32 chars of anything for USER/MESSAGE. */
function checkName(issues: FormIssues, path: FieldPath, value: unknown, chatInput: boolean): void {
  const name = checkString(issues, path, value, { min: 1, max: 32, required: true });
  if (name !== undefined && chatInput && !CHAT_INPUT_NAME.test(name)) {
    issues.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  }
}

/** A localization map: keys must be Discord locales, values follow `checkValue`. */
function checkLocalizations(
  issues: FormIssues,
  path: FieldPath,
  value: unknown,
  checkValue: (path: FieldPath, value: unknown) => void,
): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    issues.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  for (const [locale, text] of Object.entries(value)) {
    if (!DISCORD_LOCALES.includes(locale)) {
      issues.add([...path, locale], 'LOCALE_INVALID', `Invalid locale: ${locale}`);
    } else {
      checkValue([...path, locale], text);
    }
  }
}

/** An optional array whose items are all in `allowed`. */
function checkEnumArray(
  issues: FormIssues,
  path: FieldPath,
  value: unknown,
  allowed: number[],
): void {
  if (value === undefined || value === null) return;
  const items = checkArray(issues, path, value, { max: allowed.length });
  items?.forEach((item, index) => checkChoice(issues, [...path, index], item, allowed, true));
}
