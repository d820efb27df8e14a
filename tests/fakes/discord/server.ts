import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeConfig } from './config.js';
import type { RateLimiter } from './rate-limits.js';
import {
  apiError,
  NotFound,
  type RestRequest,
  type RestResult,
  type Route,
  type UploadedFile,
} from './rest-kit.js';
import type { RecordedRequest } from './types.js';

const PREFIX = '/api/v10';
/** Bodies larger than this are refused (Discord's limit for non-file payloads is far lower). */
const MAX_BODY_BYTES = 26_214_400;

/** Receives every finished request, for `calls` / `violations` / `waitFor`. */
export type RequestRecorder = (entry: RecordedRequest) => void;

/**
 * The REST pipeline: parse, then in order injected faults and 429s, `Authorization: Bot <token>`
 * (except interaction callbacks and webhooks), rate limits, the route. Every answer carries
 * `X-RateLimit-*` headers. Unknown routes answer 404 `{message:'404: Not Found', code:0}`.
 */
export class RestServer {
  constructor(
    private readonly config: FakeConfig,
    private readonly routes: readonly Route[],
    private readonly limiter: RateLimiter,
    private readonly record: RequestRecorder,
  ) {}

  /** `node:http` request listener. Never rejects: failures become 500 answers. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    this.process(req)
      .then(({ request, result }) => this.finish(res, request, result))
      .catch((error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({ message: `fake-discord internal error: ${String(error)}`, code: 0 }),
        );
      });
  }

  private async process(
    req: IncomingMessage,
  ): Promise<{ request: RestRequest; result: RestResult }> {
    const receivedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const pathname = decodePath(url.pathname);
    const path = pathname.startsWith(`${PREFIX}/`) ? pathname.slice(PREFIX.length) : pathname;
    const auth = req.headers.authorization ?? null;
    const parsed = await readBody(req);
    const request: RestRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      auth,
      body: parsed.body,
      files: parsed.files,
      receivedAt,
    };
    if (parsed.error) return { request, result: parsed.error };
    if (!pathname.startsWith(`${PREFIX}/`)) return { request, result: NotFound.route() };
    return { request, result: this.route(request) };
  }

  private route(request: RestRequest): RestResult {
    const match = this.match(request);
    const exempt = match ? !match.route.auth : false;
    const limited = {
      method: request.method,
      path: request.path,
      global: !exempt,
      now: request.receivedAt,
    };
    const injected = this.limiter.takeInjected(limited);
    if (injected) return injected;
    if (!exempt && request.auth !== `Bot ${this.config.token}`) {
      return apiError(401, 0, '401: Unauthorized');
    }
    const { headers, refused } = this.limiter.take(limited);
    if (refused) return refused;
    const result = match ? match.route.handle(request, match.params) : NotFound.route();
    return { ...result, headers: { ...headers, ...result.headers } };
  }

  private match(request: RestRequest): { route: Route; params: string[] } | undefined {
    for (const route of this.routes) {
      if (route.method !== request.method) continue;
      const found = route.pattern.exec(request.path);
      if (found) return { route, params: found.slice(1).map((p) => p ?? '') };
    }
    return undefined;
  }

  private finish(res: ServerResponse, request: RestRequest, result: RestResult): void {
    const headers: Record<string, string> = { ...result.headers };
    if (headers['X-RateLimit-Bucket'] === undefined) {
      Object.assign(
        headers,
        this.limiter.peekHeaders(request.method, request.path, request.receivedAt),
      );
    }
    const hasBody = result.status !== 204 && result.body !== undefined;
    if (hasBody) headers['Content-Type'] = 'application/json';
    res.writeHead(result.status, headers);
    res.end(hasBody ? JSON.stringify(result.body) : undefined);
    this.record({
      method: request.method,
      path: request.path,
      query: request.query,
      auth: request.auth,
      body: request.body,
      status: result.status,
      response: hasBody ? result.body : undefined,
      at: request.receivedAt,
      ...(result.violation === undefined ? {} : { violation: result.violation }),
    });
  }
}

/** Decodes percent-escapes (`%40original` → `@original`), as Discord's router does. */
function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

interface ParsedBody {
  readonly body: unknown;
  readonly files: UploadedFile[];
  readonly error?: RestResult;
}

/** Reads and decodes a JSON or multipart (`payload_json` + `files[n]`) body. */
async function readBody(req: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      return {
        body: undefined,
        files: [],
        error: apiError(413, 40005, 'Request entity too large'),
      };
    chunks.push(buffer);
  }
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { body: undefined, files: [] };
  const type = req.headers['content-type'] ?? '';
  try {
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      const payload = form.get('payload_json');
      const files = [...form.entries()].flatMap(([field, value]): UploadedFile[] =>
        typeof value === 'string'
          ? []
          : [{ field, filename: value.name, size: value.size, contentType: value.type }],
      );
      return { body: typeof payload === 'string' ? JSON.parse(payload) : undefined, files };
    }
    return { body: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    return {
      body: raw.toString('utf8'),
      files: [],
      error: apiError(400, 50109, 'The request body contains invalid JSON.'),
    };
  }
}
