import type { FakeConfig } from './config.js';
import type { FormIssues } from './form-errors.js';
import type { World } from './state.js';

/** A parsed REST request. */
export interface RestRequest {
  readonly method: string;
  /** Without `/api/v10` and without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly auth: string | null;
  readonly body: unknown;
  /** Uploaded files of a multipart body. */
  readonly files: readonly UploadedFile[];
  readonly receivedAt: number;
}

/** A file part (`files[n]`) of a multipart body. */
export interface UploadedFile {
  readonly field: string;
  readonly filename: string;
  readonly size: number;
  readonly contentType: string;
}

/** What a route answers. `violation` marks a refusal caused by a client mistake. */
export interface RestResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly violation?: string;
}

/** What route handlers may use. */
export interface RouteDeps {
  readonly world: World;
  readonly config: FakeConfig;
  /** `ws://127.0.0.1:PORT/gateway`. */
  readonly gatewayUrl: () => string;
}

/** One REST route: method, path pattern (capture groups become `params`), bot auth required. */
export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly auth: boolean;
  readonly handle: (req: RestRequest, params: readonly string[]) => RestResult;
}

/** 200 with a JSON body (201 when `status` says so). */
export function ok(body: unknown, status = 200): RestResult {
  return { status, body };
}

/** 204 without a body. */
export function noContent(): RestResult {
  return { status: 204 };
}

/**
 * A Discord JSON error `{ message, code }`. Unless `expected` (e.g. 50007, a user's own choice),
 * it is recorded as a violation.
 */
export function apiError(
  status: number,
  code: number,
  message: string,
  expected = false,
): RestResult {
  return {
    status,
    body: { message, code },
    ...(expected ? {} : { violation: `${status} ${code} ${message}` }),
  };
}

/** 400 / 50035 Invalid Form Body with Discord's nested `errors`. */
export function invalidForm(issues: FormIssues): RestResult {
  const detail = issues.list
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.code} ${i.message}`)
    .join('; ');
  return {
    status: 400,
    body: { message: 'Invalid Form Body', code: 50035, errors: issues.toErrors() },
    violation: `400 50035 Invalid Form Body: ${detail}`,
  };
}

/** 400 / 50006 for a message with no content, embeds, components or files. */
export function emptyMessage(): RestResult {
  return apiError(400, 50006, 'Cannot send an empty message');
}

/** Standard 404s used by several routes. */
export const NotFound = {
  route: (): RestResult => apiError(404, 0, '404: Not Found'),
  channel: (): RestResult => apiError(404, 10003, 'Unknown Channel'),
  message: (): RestResult => apiError(404, 10008, 'Unknown Message'),
  webhook: (): RestResult => apiError(404, 10015, 'Unknown Webhook'),
  interaction: (): RestResult => apiError(404, 10062, 'Unknown interaction'),
  command: (): RestResult => apiError(404, 10063, 'Unknown application command'),
} as const;
