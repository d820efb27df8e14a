/** A JSON column's value, or `undefined` when it cannot be read. */
export function parseJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined; // the core resets unreadable progress to a safe start
  }
}
