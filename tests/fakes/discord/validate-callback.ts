import { checkArray, checkString, isRecord, type FormIssues } from './form-errors.js';
import { MessageFlag } from './validate-message.js';

/** Interaction types: application command, message component, autocomplete, modal submit. */
export const InteractionType = {
  Command: 2,
  Component: 3,
  Autocomplete: 4,
  ModalSubmit: 5,
} as const;

/** Callback types each interaction type accepts (receiving-and-responding.mdx). */
const ALLOWED_CALLBACKS: Readonly<Record<number, readonly number[]>> = {
  [InteractionType.Command]: [4, 5, 9],
  [InteractionType.Component]: [4, 5, 6, 7, 9],
  [InteractionType.Autocomplete]: [8],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};

/** Checks that `callbackType` is allowed for `interactionType` (e.g. no UPDATE_MESSAGE on a command). */
export function checkCallbackType(
  issues: FormIssues,
  interactionType: number,
  callbackType: unknown,
): void {
  const allowed = ALLOWED_CALLBACKS[interactionType] ?? [];
  if (typeof callbackType !== 'number' || !allowed.includes(callbackType)) {
    issues.add(
      ['type'],
      'INTERACTION_RESPONSE_TYPE_INVALID',
      `Interaction response type must be one of {${allowed.join(', ')}} for interaction type ${interactionType}.`,
    );
  }
}

/** A DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE (5) may only carry the EPHEMERAL flag. */
export function checkDeferData(issues: FormIssues, data: unknown): number {
  if (!isRecord(data) || data.flags === undefined || data.flags === null) return 0;
  const flags = typeof data.flags === 'number' ? data.flags : -1;
  if (flags < 0 || (flags & ~MessageFlag.Ephemeral) !== 0) {
    issues.add(
      ['data', 'flags'],
      'INTERACTION_RESPONSE_FLAGS_INVALID',
      'Only the EPHEMERAL flag may be set when deferring.',
    );
  }
  return flags & MessageFlag.Ephemeral;
}

/** AUTOCOMPLETE_RESULT (8): at most 25 choices, names 1–100, string values ≤ 100. */
export function checkAutocompleteData(issues: FormIssues, data: unknown): void {
  const choices = checkArray(
    issues,
    ['data', 'choices'],
    isRecord(data) ? data.choices : undefined,
    {
      max: 25,
      required: true,
    },
  );
  choices?.forEach((choice, index) => {
    const at = ['data', 'choices', index];
    const record = isRecord(choice) ? choice : {};
    checkString(issues, [...at, 'name'], record.name, { min: 1, max: 100, required: true });
    if (typeof record.value === 'string')
      checkString(issues, [...at, 'value'], record.value, { max: 100 });
    else if (typeof record.value !== 'number')
      issues.add([...at, 'value'], 'BASE_TYPE_REQUIRED', 'This field is required');
  });
}

/** MODAL (9): custom_id 1–100, title 1–45, 1–5 rows/labels holding text inputs (label ≤ 45). */
export function checkModalData(issues: FormIssues, data: unknown): void {
  const modal = isRecord(data) ? data : {};
  checkString(issues, ['data', 'custom_id'], modal.custom_id, { min: 1, max: 100, required: true });
  checkString(issues, ['data', 'title'], modal.title, { min: 1, max: 45, required: true });
  const rows = checkArray(issues, ['data', 'components'], modal.components, {
    min: 1,
    max: 5,
    required: true,
  });
  rows?.forEach((row, index) => {
    const at = ['data', 'components', index];
    if (!isRecord(row)) return;
    checkString(issues, [...at, 'label'], row.label, { max: 45 });
    const inputs = Array.isArray(row.components)
      ? row.components
      : isRecord(row.component)
        ? [row.component]
        : [];
    inputs.forEach((input, inputIndex) => {
      if (!isRecord(input)) return;
      const inputPath = [...at, 'components', inputIndex];
      checkString(issues, [...inputPath, 'custom_id'], input.custom_id, {
        min: 1,
        max: 100,
        required: true,
      });
      checkString(issues, [...inputPath, 'label'], input.label, { max: 45 });
      checkString(issues, [...inputPath, 'value'], input.value, { max: 4000 });
    });
  });
}
