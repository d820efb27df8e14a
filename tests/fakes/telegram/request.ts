import type { IncomingMessage } from 'node:http';
import { isRecord } from './params.js';
import type { RecordedFile } from './types.js';

/** Largest body the fake reads (the cloud Bot API's upload limit is 50 MB). */
const MAX_BODY_BYTES = 50 * 1024 * 1024 + 64 * 1024;

/** A parsed request body, or why it could not be parsed. */
export type ParsedBody =
  | { readonly type: 'ok'; readonly params: Record<string, unknown> }
  | { readonly type: 'error'; readonly status: number; readonly description: string };

/** Reads the whole body, refusing bodies over the upload limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function headerParam(header: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${name}=(?:"([^"]*)"|([^;]*))`, 'i').exec(header);
  return match?.[1] ?? match?.[2]?.trim();
}

/**
 * Parses `multipart/form-data` the way grammY writes it (`content-disposition:form-data;name="k"`,
 * file parts with an unquoted `filename=`), and any ordinary browser-style encoding. Text parts
 * become string params; file parts are substituted for the `attach://<part>` values naming them,
 * or kept under their part name.
 */
function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const files = new Map<string, RecordedFile>();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    // A part is "\r\n<headers>\r\n\r\n<content>\r\n" between two delimiters.
    const part = body.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8').split('\r\n');
      const content = part.subarray(headerEnd + 4);
      const disposition = headers.find((h) => /^content-disposition\s*:/i.test(h)) ?? '';
      const contentType = headers
        .find((h) => /^content-type\s*:/i.test(h))
        ?.replace(/^content-type\s*:\s*/i, '');
      const name = headerParam(disposition, 'name') ?? '';
      const filename = headerParam(disposition, 'filename');
      if (filename === undefined) {
        params[name] = content.toString('utf8');
      } else {
        const file: RecordedFile = {
          type: 'file',
          field: name,
          filename,
          size: content.length,
          content: Buffer.from(content),
          ...(contentType === undefined ? {} : { contentType }),
        };
        files.set(name, file);
      }
    }
    start = next;
  }
  for (const [key, value] of Object.entries(params)) {
    const attached = typeof value === 'string' ? /^attach:\/\/(.+)$/.exec(value)?.[1] : undefined;
    const file = attached === undefined ? undefined : files.get(attached);
    if (file !== undefined) {
      params[key] = file;
      files.delete(file.field);
    }
  }
  for (const [name, file] of files) params[name] = file;
  return params;
}

/**
 * Collects a request's parameters from the query string and the body (JSON, url-encoded or
 * multipart), as the Bot API accepts all of them.
 */
export async function readParams(req: IncomingMessage, url: URL): Promise<ParsedBody> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  if (body === undefined) {
    return { type: 'error', status: 413, description: 'Request Entity Too Large' };
  }
  if (body.length === 0) return { type: 'ok', params };
  const contentType = req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(contentType)) {
    const boundary = headerParam(contentType, 'boundary');
    if (boundary === undefined) {
      return { type: 'error', status: 400, description: 'Bad Request: invalid multipart body' };
    }
    return { type: 'ok', params: { ...params, ...parseMultipart(body, boundary) } };
  }
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    const form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    return { type: 'ok', params: { ...params, ...form } };
  }
  try {
    const json: unknown = JSON.parse(body.toString('utf8'));
    if (!isRecord(json)) throw new Error('not an object');
    return { type: 'ok', params: { ...params, ...json } };
  } catch {
    return { type: 'error', status: 400, description: "Bad Request: can't parse JSON object" };
  }
}
