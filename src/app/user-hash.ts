import { createHash, randomBytes } from 'node:crypto';
import type { UserKey } from '../core/ports.js';

/** A per-process secret, so log hashes cannot be reversed by hashing every possible id. */
const salt = randomBytes(16);

/**
 * An opaque, short identifier for a user in logs: the same user gives the same hash within a
 * process run, and the hash reveals nothing about the platform id.
 */
export function userHash(key: UserKey): string {
  return createHash('sha256')
    .update(salt)
    .update(`${key.platform}:${key.platformUserId}`)
    .digest('hex')
    .slice(0, 12);
}
