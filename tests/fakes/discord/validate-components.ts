import {
  checkArray,
  checkChoice,
  checkString,
  isRecord,
  type FieldPath,
  type FormIssues,
} from './form-errors.js';

/** Component types that are selects; a row holds exactly one of them. */
const SELECT_TYPES = [3, 5, 6, 7, 8];
/** Button styles: primary, secondary, success, danger, link, premium. */
const BUTTON_STYLES = [1, 2, 3, 4, 5, 6];
const LINK_STYLE = 5;
const PREMIUM_STYLE = 6;
/** Top-level component types allowed with IS_COMPONENTS_V2. */
const V2_TOP_LEVEL = [1, 9, 10, 12, 13, 14, 17];
const V2_MAX_COMPONENTS = 40;

/** Shared state of one message's component walk. */
interface Walk {
  readonly issues: FormIssues;
  readonly customIds: Set<string>;
  count: number;
}

/**
 * Validates `components` of a message body (create, edit, callback or webhook) against Discord's
 * limits (platforms.md B9): at most 5 action rows, 1–5 buttons or exactly one select per row,
 * `custom_id` 1–100 chars and unique in the message, label ≤ 80, link buttons with an
 * http(s)/discord URL ≤ 512 and no custom_id, styles 1–6. With `v2` (flag 1<<15) the top level may
 * hold layout components, up to 40 in total.
 */
export function validateComponents(
  issues: FormIssues,
  path: FieldPath,
  components: unknown,
  v2: boolean,
): void {
  const list = checkArray(issues, path, components, { max: v2 ? V2_MAX_COMPONENTS : 5 });
  if (!list) return;
  const walk: Walk = { issues, customIds: new Set(), count: 0 };
  list.forEach((component, index) => {
    const at = [...path, index];
    if (!isRecord(component)) {
      issues.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    if (v2) {
      checkChoice(issues, [...at, 'type'], component.type, V2_TOP_LEVEL, true);
      walkAny(walk, at, component);
    } else {
      checkChoice(issues, [...at, 'type'], component.type, [1], true);
      if (component.type === 1) walkRow(walk, at, component);
    }
  });
  if (v2 && walk.count > V2_MAX_COMPONENTS) {
    issues.add(path, 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'Too many components (maximum is 40).');
  }
}

/** An action row: 1–5 buttons, or exactly one select. */
function walkRow(walk: Walk, path: FieldPath, row: Record<string, unknown>): void {
  walk.count += 1;
  const childrenPath = [...path, 'components'];
  const children = checkArray(walk.issues, childrenPath, row.components, {
    min: 1,
    max: 5,
    required: true,
  });
  if (!children) return;
  const selects = children.filter((c) => isRecord(c) && SELECT_TYPES.includes(Number(c.type)));
  if (selects.length > 0 && children.length !== 1) {
    walk.issues.add(
      childrenPath,
      'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
      'The specified component exceeds the maximum width',
    );
  }
  children.forEach((child, index) => {
    const at = [...childrenPath, index];
    if (!isRecord(child)) {
      walk.issues.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    checkChoice(walk.issues, [...at, 'type'], child.type, [2, ...SELECT_TYPES], true);
    walk.count += 1;
    if (child.type === 2) checkButton(walk, at, child);
    else if (SELECT_TYPES.includes(Number(child.type))) checkSelect(walk, at, child);
  });
}

/** Components V2 layout nodes: counts them and validates every nested row, button and select. */
function walkAny(walk: Walk, path: FieldPath, node: Record<string, unknown>): void {
  if (node.type === 1) {
    walkRow(walk, path, node);
    return;
  }
  walk.count += 1;
  if (node.type === 2) checkButton(walk, path, node);
  if (node.type === 10) {
    checkString(walk.issues, [...path, 'content'], node.content, {
      min: 1,
      max: 4000,
      required: true,
    });
  }
  if (Array.isArray(node.components)) {
    node.components.forEach((child, index) => {
      if (isRecord(child)) walkAny(walk, [...path, 'components', index], child);
    });
  }
  if (isRecord(node.accessory)) walkAny(walk, [...path, 'accessory'], node.accessory);
}

/** Records a custom_id and flags duplicates within the message. */
function checkCustomId(walk: Walk, path: FieldPath, value: unknown): void {
  const id = checkString(walk.issues, path, value, { min: 1, max: 100, required: true });
  if (id === undefined) return;
  if (walk.customIds.has(id)) {
    walk.issues.add(
      path,
      'COMPONENT_CUSTOM_ID_DUPLICATED',
      'Component custom id cannot be duplicated',
    );
  }
  walk.customIds.add(id);
}

function checkButton(walk: Walk, path: FieldPath, button: Record<string, unknown>): void {
  const { issues } = walk;
  checkChoice(issues, [...path, 'style'], button.style, BUTTON_STYLES, true);
  checkString(issues, [...path, 'label'], button.label, { max: 80 });
  if (button.style === PREMIUM_STYLE) {
    checkString(issues, [...path, 'sku_id'], button.sku_id, { min: 1, max: 20, required: true });
    return;
  }
  if (button.label === undefined && button.emoji === undefined) {
    issues.add(
      [...path, 'label'],
      'BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED',
      'Label or emoji required',
    );
  }
  if (button.style === LINK_STYLE) {
    if (button.custom_id !== undefined) {
      issues.add(
        [...path, 'custom_id'],
        'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED',
        'A custom id cannot be used with a link button',
      );
    }
    const url = checkString(issues, [...path, 'url'], button.url, {
      min: 1,
      max: 512,
      required: true,
    });
    if (url !== undefined && !/^(https?|discord):\/\/\S+$/i.test(url)) {
      issues.add(
        [...path, 'url'],
        'URL_TYPE_INVALID_SCHEME',
        'Scheme must be one of (http, https, discord).',
      );
    }
    return;
  }
  if (button.url !== undefined) {
    issues.add(
      [...path, 'url'],
      'BUTTON_COMPONENT_URL_NOT_ALLOWED',
      'A URL requires a link button',
    );
  }
  checkCustomId(walk, [...path, 'custom_id'], button.custom_id);
}

function checkSelect(walk: Walk, path: FieldPath, select: Record<string, unknown>): void {
  const { issues } = walk;
  checkCustomId(walk, [...path, 'custom_id'], select.custom_id);
  checkString(issues, [...path, 'placeholder'], select.placeholder, { max: 150 });
  checkRange(issues, [...path, 'min_values'], select.min_values, 0, 25);
  checkRange(issues, [...path, 'max_values'], select.max_values, 1, 25);
  if (select.type !== 3) return;
  const options = checkArray(issues, [...path, 'options'], select.options, {
    min: 1,
    max: 25,
    required: true,
  });
  options?.forEach((option, index) => {
    const at = [...path, 'options', index];
    if (!isRecord(option)) {
      issues.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    checkString(issues, [...at, 'label'], option.label, { min: 1, max: 100, required: true });
    checkString(issues, [...at, 'value'], option.value, { min: 1, max: 100, required: true });
    checkString(issues, [...at, 'description'], option.description, { max: 100 });
  });
}

/** Checks an optional integer within `[min, max]`. */
export function checkRange(
  issues: FormIssues,
  path: FieldPath,
  value: unknown,
  min: number,
  max: number,
): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    issues.add(path, 'NUMBER_TYPE_COERCE', `Value "${JSON.stringify(value)}" is not int.`);
  } else if (value < min) {
    issues.add(path, 'NUMBER_TYPE_MIN', `int value should be greater than or equal to ${min}.`);
  } else if (value > max) {
    issues.add(path, 'NUMBER_TYPE_MAX', `int value should be less than or equal to ${max}.`);
  }
}

/** Finds the component (button or select, at any depth) whose `custom_id` is `customId`. */
export function findComponent(
  components: readonly unknown[],
  customId: string,
): Record<string, unknown> | undefined {
  for (const component of components) {
    if (!isRecord(component)) continue;
    if (component.custom_id === customId) return component;
    const nested = [
      ...(Array.isArray(component.components) ? (component.components as unknown[]) : []),
      ...(isRecord(component.accessory) ? [component.accessory] : []),
    ];
    const found = findComponent(nested, customId);
    if (found) return found;
  }
  return undefined;
}
