import {
  checkArray,
  checkString,
  isRecord,
  type FieldPath,
  type FormIssues,
} from './form-errors.js';
import type { FakeComponent } from './types.js';
import { validateComponents } from './validate-components.js';

/** Message flag bits the fake cares about. */
export const MessageFlag = {
  SuppressEmbeds: 1 << 2,
  Ephemeral: 1 << 6,
  Loading: 1 << 7,
  SuppressNotifications: 1 << 12,
  IsVoiceMessage: 1 << 13,
  IsComponentsV2: 1 << 15,
} as const;

/** Flags a bot may set when creating a channel message; others are silently dropped, as on Discord. */
const CREATE_FLAGS =
  MessageFlag.SuppressEmbeds |
  MessageFlag.SuppressNotifications |
  MessageFlag.IsVoiceMessage |
  MessageFlag.IsComponentsV2;

/** The content-bearing fields of a message, after validation. */
export interface MessageFields {
  readonly content: string;
  readonly embeds: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly components: readonly FakeComponent[];
  readonly attachments: readonly unknown[];
  readonly flags: number;
  /** Stickers or a poll: content that is neither text, embeds, components nor files. */
  readonly other: boolean;
}

/** How {@link validateMessageBody} treats the body. */
export interface MessageRules {
  /** Existing message when editing; a create starts from an empty message. */
  readonly base?: MessageFields;
  /** Interaction responses and webhooks may set EPHEMERAL (64) on create. */
  readonly allowEphemeral: boolean;
  /** Attachment objects of newly uploaded files, appended to the kept attachments. */
  readonly uploads?: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/** An empty message, the base of every create. */
export const EMPTY_MESSAGE: MessageFields = {
  content: '',
  embeds: [],
  components: [],
  attachments: [],
  flags: 0,
  other: false,
};

/**
 * Validates a message create/edit body (channel message, interaction callback data, webhook) and
 * returns the resulting message fields (base merged with the body). Problems go to `issues` as
 * Discord reports them in a 50035 answer; the caller decides what to do with an empty result
 * (50006).
 */
export function validateMessageBody(
  issues: FormIssues,
  path: FieldPath,
  body: unknown,
  rules: MessageRules,
): MessageFields {
  const base = rules.base ?? EMPTY_MESSAGE;
  if (!isRecord(body)) {
    if (body !== undefined && body !== null) {
      issues.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    }
    return base;
  }
  const flags = mergeFlags(base, body.flags, rules);
  const v2 = (flags & MessageFlag.IsComponentsV2) !== 0;
  const content = checkString(issues, [...path, 'content'], body.content, { max: 2000 });
  if ('embeds' in body) validateEmbeds(issues, [...path, 'embeds'], body.embeds);
  if ('components' in body)
    validateComponents(issues, [...path, 'components'], body.components, v2);
  const merged: MessageFields = {
    content: 'content' in body ? (content ?? '') : base.content,
    embeds: 'embeds' in body ? toRecords(body.embeds) : base.embeds,
    components:
      'components' in body ? (toRecords(body.components) as FakeComponent[]) : base.components,
    attachments: [...keptAttachments(base, body), ...(rules.uploads ?? [])],
    flags,
    other:
      base.other ||
      (Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0) ||
      isRecord(body.poll),
  };
  if (v2 && (merged.content !== '' || merged.embeds.length > 0)) {
    issues.add(
      [...path, 'content'],
      'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
      "The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
    );
  }
  return merged;
}

/** True when Discord would refuse the message as empty (50006). */
export function isEmptyMessage(message: MessageFields): boolean {
  return (
    message.content.trim() === '' &&
    message.embeds.length === 0 &&
    message.components.length === 0 &&
    message.attachments.length === 0 &&
    !message.other
  );
}

/**
 * New flags of a message. A create keeps the settable bits; an edit may toggle SUPPRESS_EMBEDS
 * and turn on IS_COMPONENTS_V2, never remove it, and never changes EPHEMERAL. LOADING is cleared
 * by any edit.
 */
function mergeFlags(base: MessageFields, raw: unknown, rules: MessageRules): number {
  const requested = typeof raw === 'number' ? raw : 0;
  if (!rules.base) {
    const allowed = CREATE_FLAGS | (rules.allowEphemeral ? MessageFlag.Ephemeral : 0);
    return requested & allowed;
  }
  const suppress =
    raw === undefined || raw === null
      ? base.flags & MessageFlag.SuppressEmbeds
      : requested & MessageFlag.SuppressEmbeds;
  const kept = base.flags & ~(MessageFlag.SuppressEmbeds | MessageFlag.Loading);
  return kept | suppress | (requested & MessageFlag.IsComponentsV2);
}

/** Limits of embeds (B9): per-field lengths, 25 fields, 10 embeds, 6000 characters in total. */
function validateEmbeds(issues: FormIssues, path: FieldPath, value: unknown): void {
  const embeds = checkArray(issues, path, value, { max: 10 });
  if (!embeds) return;
  let total = 0;
  const measure = (text: string | undefined): void => {
    total += text === undefined ? 0 : [...text].length;
  };
  embeds.forEach((embed, index) => {
    const at = [...path, index];
    if (!isRecord(embed)) {
      issues.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    measure(checkString(issues, [...at, 'title'], embed.title, { max: 256 }));
    measure(checkString(issues, [...at, 'description'], embed.description, { max: 4096 }));
    const fields = checkArray(issues, [...at, 'fields'], embed.fields, { max: 25 });
    fields?.forEach((field, fieldIndex) => {
      const fieldPath = [...at, 'fields', fieldIndex];
      const record = isRecord(field) ? field : {};
      measure(
        checkString(issues, [...fieldPath, 'name'], record.name, {
          min: 1,
          max: 256,
          required: true,
        }),
      );
      measure(
        checkString(issues, [...fieldPath, 'value'], record.value, {
          min: 1,
          max: 1024,
          required: true,
        }),
      );
    });
    if (isRecord(embed.footer)) {
      const footerText = embed.footer.text;
      measure(
        checkString(issues, [...at, 'footer', 'text'], footerText, {
          min: 1,
          max: 2048,
          required: true,
        }),
      );
    }
    if (isRecord(embed.author)) {
      const authorName = embed.author.name;
      measure(
        checkString(issues, [...at, 'author', 'name'], authorName, {
          min: 1,
          max: 256,
          required: true,
        }),
      );
    }
  });
  if (total > 6000) {
    issues.add(path, 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  }
}

/**
 * Existing attachments an edit keeps: those listed by id in `attachments`, or all when the field is
 * absent (entries for new uploads reference `files[n]` and are added from the upload itself).
 */
function keptAttachments(base: MessageFields, body: Record<string, unknown>): readonly unknown[] {
  if (!Array.isArray(body.attachments)) return base.attachments;
  const ids = new Set(body.attachments.filter(isRecord).map((a) => String(a.id)));
  return base.attachments.filter((a) => isRecord(a) && ids.has(String(a.id)));
}

/** Keeps the object entries of an array (validation has already reported the others). */
function toRecords(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}
