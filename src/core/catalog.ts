import type { Guide } from './guide.js';

/** The guides this deployment offers, in display order. Immutable once built. */
export interface Catalog {
  readonly guides: readonly Guide[];
  get(id: string): Guide | undefined;
}

/**
 * Builds a catalog. Throws on duplicate ids: that is a packaging mistake to catch at start-up,
 * not a user error.
 */
export function createCatalog(guides: readonly Guide[]): Catalog {
  const byId = new Map<string, Guide>();
  for (const guide of guides) {
    if (byId.has(guide.id)) throw new Error(`Two guide files declare the id "${guide.id}"`);
    byId.set(guide.id, guide);
  }
  return { guides: [...guides], get: (id) => byId.get(id) };
}
