/**
 * Exhaustiveness guard for `switch` statements over tagged unions: a new case that is not
 * handled fails the type-check where the `switch` is, and throws if reached anyway.
 */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
