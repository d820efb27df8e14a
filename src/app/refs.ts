import { randomBytes } from 'node:crypto';

/**
 * A fresh, unguessable code for a community's deep links: 8 characters of `A-Za-z0-9_-`
 * (48 random bits), which fits Telegram's 64-character `/start` payload with any guide id.
 */
export function randomRef(): string {
  return randomBytes(6).toString('base64url');
}
