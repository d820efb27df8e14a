/**
 * Readers for Bot API parameters. Telegram accepts the same parameter as a JSON value or as a
 * string (query strings, url-encoded and multipart bodies), so each reader accepts both.
 */

/** Integer parameter (number or numeric string), else undefined. */
export function intParam(params: Record<string, unknown>, key: string): number | undefined {
  const value = params[key];
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** String parameter; numbers are stringified like Telegram does. */
export function strParam(params: Record<string, unknown>, key: string): string | undefined {
  const value = params[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Boolean parameter (`true`, `"true"`, `1`, `"1"`). */
export function boolParam(params: Record<string, unknown>, key: string): boolean {
  const value = params[key];
  return value === true || value === 'true' || value === 1 || value === '1';
}

/** Object or array parameter: JSON values as they are, strings JSON-decoded. */
export function jsonParam(
  params: Record<string, unknown>,
  key: string,
): { type: 'absent' } | { type: 'value'; value: unknown } | { type: 'invalid' } {
  const value = params[key];
  if (value === undefined || value === null) return { type: 'absent' };
  if (typeof value !== 'string') return { type: 'value', value };
  try {
    return { type: 'value', value: JSON.parse(value) as unknown };
  } catch {
    return { type: 'invalid' };
  }
}

/** Narrows to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
