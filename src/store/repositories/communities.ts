import type { Database } from 'better-sqlite3';
import type { CommunityRecord, CommunityRepository } from '../../core/ports.js';
import { parseJson } from './rows.js';

interface CommunityRow {
  id: number;
  platform: 'telegram' | 'discord';
  community_id: string;
  ref: string;
  language: string | null;
  featured: string;
  stats_on: number;
}

const toCommunity = (row: CommunityRow): CommunityRecord => {
  const featured = parseJson(row.featured);
  return {
    id: row.id,
    platform: row.platform,
    communityId: row.community_id,
    ref: row.ref,
    language: row.language,
    featured: Array.isArray(featured)
      ? featured.filter((g): g is string => typeof g === 'string')
      : [],
    statsOn: row.stats_on === 1,
  };
};

/** Communities: the servers and groups the bot was added to, with their settings. */
export function createCommunityRepository(db: Database): CommunityRepository {
  const sql = {
    findCommunity: db.prepare<[string, string], CommunityRow>(
      'SELECT * FROM communities WHERE platform = ? AND community_id = ?',
    ),
    communityByRef: db.prepare<[string], CommunityRow>('SELECT * FROM communities WHERE ref = ?'),
    communityById: db.prepare<[number], CommunityRow>('SELECT * FROM communities WHERE id = ?'),
    ensureCommunity: db.prepare<
      { platform: string; community_id: string; ref: string; now: number },
      CommunityRow
    >(
      `INSERT INTO communities (platform, community_id, ref, created_at)
       VALUES (:platform, :community_id, :ref, :now)
       ON CONFLICT (platform, community_id) DO UPDATE SET platform = excluded.platform
       RETURNING *`,
    ),
    updateCommunity: db.prepare<{
      id: number;
      language: string | null;
      featured: string;
      stats_on: number;
    }>(
      'UPDATE communities SET language = :language, featured = :featured, stats_on = :stats_on WHERE id = :id',
    ),
    removeCommunity: db.prepare<[string, string]>(
      'DELETE FROM communities WHERE platform = ? AND community_id = ?',
    ),
    communityCounts: db.prepare<[string], { guide_id: string; status: string; count: number }>(
      `SELECT guide_id, status, count(*) AS count FROM progress
       WHERE origin = ? GROUP BY guide_id, status ORDER BY guide_id, status`,
    ),
  };

  return {
    find: async (key) => {
      const row = sql.findCommunity.get(key.platform, key.communityId);
      return row && toCommunity(row);
    },
    findByRef: async (ref) => {
      const row = sql.communityByRef.get(ref);
      return row && toCommunity(row);
    },
    ensure: async (key, ref, now) => {
      const row = sql.ensureCommunity.get({
        platform: key.platform,
        community_id: key.communityId,
        ref,
        now,
      });
      if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
      return toCommunity(row);
    },
    update: async (id, patch) => {
      const row = sql.communityById.get(id);
      if (row === undefined) return;
      const current = toCommunity(row);
      sql.updateCommunity.run({
        id,
        language: patch.language !== undefined ? patch.language : current.language,
        featured: JSON.stringify(patch.featured ?? current.featured),
        stats_on: (patch.statsOn ?? current.statsOn) ? 1 : 0,
      });
    },
    remove: async (key) => sql.removeCommunity.run(key.platform, key.communityId).changes > 0,
    counts: async (origin) =>
      sql.communityCounts
        .all(origin)
        .map((r) => ({ guideId: r.guide_id, status: r.status, count: r.count })),
  };
}
