/** A path into a request body, as Discord reports it in `errors` (`['components', 0, 'label']`). */
export type FieldPath = ReadonlyArray<string | number>;

/** One field-level problem of an `Invalid Form Body` answer. */
export interface FieldIssue {
  readonly path: FieldPath;
  readonly code: string;
  readonly message: string;
}

/**
 * Collects field problems and renders them the way Discord nests them in a 50035 answer:
 * `{ components: { 0: { label: { _errors: [{ code, message }] } } } }`.
 */
export class FormIssues {
  readonly list: FieldIssue[] = [];

  /** Records a problem at `path`. */
  add(path: FieldPath, code: string, message: string): void {
    this.list.push({ path, code, message });
  }

  /** True when nothing was recorded. */
  get empty(): boolean {
    return this.list.length === 0;
  }

  /** The nested `errors` object of the 50035 body. */
  toErrors(): Record<string, unknown> {
    const root: Record<string, unknown> = {};
    for (const issue of this.list) {
      let node = root;
      for (const key of issue.path) {
        const name = String(key);
        const next = node[name];
        if (typeof next === 'object' && next !== null) {
          node = next as Record<string, unknown>;
        } else {
          const created: Record<string, unknown> = {};
          node[name] = created;
          node = created;
        }
      }
      const errors = Array.isArray(node._errors) ? (node._errors as unknown[]) : [];
      errors.push({ code: issue.code, message: issue.message });
      node._errors = errors;
    }
    return root;
  }
}

/** Narrows to a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Options of {@link checkString}. */
export interface StringRule {
  readonly min?: number;
  readonly max: number;
  readonly required?: boolean;
}

/**
 * Checks an optional string field against Discord's length rules (counted in code points).
 * Returns the string when it is one, so callers can continue with it.
 */
export function checkString(
  issues: FormIssues,
  path: FieldPath,
  value: unknown,
  rule: StringRule,
): string | undefined {
  if (value === undefined || value === null) {
    if (rule.required) issues.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
    return undefined;
  }
  const length = [...value].length;
  const min = rule.min ?? 0;
  if (length > rule.max) {
    issues.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${rule.max} or fewer in length.`);
  } else if (length < min) {
    issues.add(path, 'BASE_TYPE_MIN_LENGTH', `Must be ${min} or more in length.`);
  }
  return value;
}

/**
 * Checks an optional array field's length. Returns the array (possibly too long) or undefined.
 */
export function checkArray(
  issues: FormIssues,
  path: FieldPath,
  value: unknown,
  rule: { readonly min?: number; readonly max: number; readonly required?: boolean },
): unknown[] | undefined {
  if (value === undefined || value === null) {
    if (rule.required) issues.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return undefined;
  }
  if (!Array.isArray(value)) {
    issues.add(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
    return undefined;
  }
  const min = rule.min ?? 0;
  if (value.length > rule.max || value.length < min) {
    const message =
      min > 0
        ? `Must be between ${min} and ${rule.max} in length.`
        : `Must be ${rule.max} or fewer in length.`;
    issues.add(path, 'BASE_TYPE_BAD_LENGTH', message);
  }
  return value as unknown[];
}

/** Checks that an optional field is one of `choices`. */
export function checkChoice(
  issues: FormIssues,
  path: FieldPath,
  value: unknown,
  choices: readonly number[],
  required = false,
): void {
  if (value === undefined || value === null) {
    if (required) issues.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (typeof value !== 'number' || !choices.includes(value)) {
    issues.add(path, 'BASE_TYPE_CHOICES', `Value must be one of {${choices.join(', ')}}.`);
  }
}
