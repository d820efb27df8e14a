import { FormIssues, type FieldPath } from './form-errors.js';
import { buildMessage, editedMessage, type NewMessage } from './objects.js';
import { emptyMessage, invalidForm, type RestResult, type UploadedFile } from './rest-kit.js';
import type { StoredMessage, World } from './state.js';
import { isEmptyMessage, validateMessageBody, type MessageFields } from './validate-message.js';

/** Where and how a new message is posted. */
export interface PostTarget {
  readonly channelId: string;
  /** Interaction responses and webhooks may be ephemeral. */
  readonly allowEphemeral: boolean;
  /** The user an ephemeral message is shown to. */
  readonly viewer: string | null;
  readonly interactionId: string | null;
  readonly meta: Omit<NewMessage, 'id' | 'channelId' | 'author' | 'fields'>;
}

/** Either a refusal to send back, or the validated value. */
export type Checked<T> = { readonly refused: RestResult } | { readonly value: T };

/**
 * Validates a create body (`path` prefixes errors, e.g. `['data']` for callbacks) and, when valid
 * and non-empty, stores and returns the new message.
 */
export function postMessage(
  world: World,
  target: PostTarget,
  body: unknown,
  files: readonly UploadedFile[],
  path: FieldPath = [],
): Checked<StoredMessage> {
  const checked = checkCreate(world, body, files, target.allowEphemeral, path);
  if ('refused' in checked) return checked;
  return { value: storeMessage(world, target, checked.value) };
}

/** Validates a create body without storing anything. */
export function checkCreate(
  world: World,
  body: unknown,
  files: readonly UploadedFile[],
  allowEphemeral: boolean,
  path: FieldPath = [],
): Checked<MessageFields> {
  const issues = new FormIssues();
  const uploads = attachmentsOf(world, files);
  const fields = validateMessageBody(issues, path, body, { allowEphemeral, uploads });
  if (!issues.empty) return { refused: invalidForm(issues) };
  if (isEmptyMessage(fields)) return { refused: emptyMessage() };
  return { value: fields };
}

/** Stores a message built from already validated fields. */
export function storeMessage(
  world: World,
  target: PostTarget,
  fields: MessageFields,
): StoredMessage {
  const ephemeral = (fields.flags & 64) !== 0;
  const stored: StoredMessage = {
    message: buildMessage({
      ...target.meta,
      id: world.nextId(),
      channelId: target.channelId,
      author: world.bot,
      fields,
    }),
    fields,
    visibleTo: ephemeral ? target.viewer : null,
    interactionId: target.interactionId,
    deleted: false,
  };
  world.messages.set(stored.message.id, stored);
  return stored;
}

/**
 * Applies an edit body to a stored message (validated against the merged result, 50006 when the
 * result would be empty). `fill` marks the first edit of a deferred (LOADING) response, which
 * Discord shows as the reply itself rather than as an edit.
 */
export function editStored(
  world: World,
  stored: StoredMessage,
  body: unknown,
  files: readonly UploadedFile[],
  path: FieldPath = [],
): Checked<StoredMessage> {
  const issues = new FormIssues();
  const fill = (stored.fields.flags & 128) !== 0;
  const fields = validateMessageBody(issues, path, body, {
    base: stored.fields,
    allowEphemeral: false,
    uploads: attachmentsOf(world, files),
  });
  if (!issues.empty) return { refused: invalidForm(issues) };
  if (isEmptyMessage(fields)) return { refused: emptyMessage() };
  stored.fields = fields;
  stored.message = editedMessage(stored.message, fields, fill);
  return { value: stored };
}

/** Attachment objects for uploaded files, as Discord returns them on the message. */
function attachmentsOf(
  world: World,
  files: readonly UploadedFile[],
): Array<Record<string, unknown>> {
  return files.map((file) => {
    const id = world.nextId();
    const url = `https://cdn.discordapp.invalid/attachments/${id}/${encodeURIComponent(file.filename)}`;
    return {
      id,
      filename: file.filename,
      size: file.size,
      url,
      proxy_url: url,
      ...(file.contentType ? { content_type: file.contentType } : {}),
    };
  });
}
