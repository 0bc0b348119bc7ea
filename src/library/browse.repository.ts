import { Injectable } from '@nestjs/common';
import { Kysely, sql, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import { withArtistGenres } from './user-artist-genres.js';

export type BrowseKind = 'artists' | 'albums';
export type BrowseSort = 'plays' | 'time' | 'tracks' | 'name';

export interface BrowseItem {
  id: number;
  name: string;
  imageUrl: string | null;
  /** an album's artist; absent for artists */
  artist?: { id: number; name: string };
  trackCount: number;
  playCount: number;
  msPlayed: number;
  lastPlayedAt: Date | null;
}

export interface BrowsePosition {
  key: string;
  id: number;
}

export interface BrowsePageQuery {
  sort: BrowseSort;
  order: 'asc' | 'desc';
  limit: number;
  after?: BrowsePosition | undefined;
}

const TABLES = {
  artists: { aggregate: sql`user_artist`, key: sql`artist_id`, catalog: sql`artist` },
  albums: { aggregate: sql`user_album`, key: sql`album_id`, catalog: sql`album` },
} as const;

const SORT_KEYS: Record<BrowseSort, { sql: RawBuilder<unknown>; type: string }> = {
  plays: { sql: sql`g.play_count`, type: 'int' },
  time: { sql: sql`g.ms_played`, type: 'bigint' },
  tracks: { sql: sql`g.track_count`, type: 'int' },
  name: { sql: sql`c.sort_name`, type: 'text' },
};

/**
 * The user's artists and albums from their aggregates (user_artist,
 * user_album), keyset-paginated. The count sorts walk the aggregate's own
 * indexes; the name sort walks the catalog's (sort_name) and probes the
 * user's aggregate per row, so no sort of the user's whole list is needed.
 */
@Injectable()
export class BrowseRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async page(
    userId: number,
    kind: BrowseKind,
    query: BrowsePageQuery,
  ): Promise<(BrowseItem & { position: BrowsePosition })[]> {
    const { rows } = await this.pageQuery(userId, kind, query).execute(this.db);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      imageUrl: r.image_url,
      ...(kind === 'albums' ? { artist: { id: r.artist_id!, name: r.artist_name! } } : {}),
      trackCount: r.track_count,
      playCount: r.play_count,
      msPlayed: r.ms_played,
      lastPlayedAt: r.last_played_at,
      position: { key: r.sort_key, id: r.id },
    }));
  }

  /** The statement (the index guard test EXPLAINs it). */
  pageQuery(userId: number, kind: BrowseKind, query: BrowsePageQuery) {
    const table = TABLES[kind];
    const key = SORT_KEYS[query.sort];
    const direction = sql.raw(query.order);
    const beyond = sql.raw(query.order === 'desc' ? '<' : '>');
    const id = query.sort === 'name' ? sql`c.id` : sql`g.${table.key}`;
    return sql<{
      id: number;
      name: string;
      image_url: string | null;
      artist_id: number | null;
      artist_name: string | null;
      track_count: number;
      play_count: number;
      ms_played: number;
      last_played_at: Date | null;
      sort_key: string;
    }>`
      SELECT c.id, c.name, c.image_url,
        ${kind === 'albums' ? sql`ar.id AS artist_id, ar.name AS artist_name,` : sql``}
        g.track_count, g.play_count, g.ms_played, g.last_played_at, ${key.sql}::text AS sort_key
      FROM ${table.aggregate} g
      JOIN ${table.catalog} c ON c.id = g.${table.key}
      ${kind === 'albums' ? sql`JOIN artist ar ON ar.id = c.artist_id` : sql``}
      WHERE g.user_id = ${userId} AND g.track_count > 0
        ${query.after ? sql`AND (${key.sql}, ${id}) ${beyond} (${query.after.key}::${sql.raw(key.type)}, ${query.after.id})` : sql``}
      ORDER BY ${key.sql} ${direction}, ${id} ${direction}
      LIMIT ${query.limit}`;
  }

  /**
   * The genres of the user's artists, with the artists' track and play
   * figures summed (a track counts under its primary artist's genres).
   */
  async genres(userId: number, sort: 'plays' | 'tracks' | 'name', limit: number) {
    const order =
      sort === 'name'
        ? sql`ge.name`
        : sort === 'plays'
          ? sql`play_count DESC, ge.name`
          : sql`track_count DESC, ge.name`;
    const { rows } = await sql<{
      name: string;
      artist_count: number;
      track_count: number;
      play_count: number;
      ms_played: number;
    }>`
      SELECT ge.name, count(*)::int AS artist_count, sum(g.track_count)::int AS track_count,
        sum(g.play_count)::int AS play_count, sum(g.ms_played)::bigint AS ms_played
      FROM ${withArtistGenres(
        userId,
        sql`(SELECT artist_id, track_count, play_count, ms_played FROM user_artist
             WHERE user_id = ${userId} AND track_count > 0)`,
      )} g
      JOIN genre ge ON ge.id = g.genre_id
      GROUP BY ge.name
      ORDER BY ${order}
      LIMIT ${limit}`.execute(this.db);
    return rows.map((r) => ({
      name: r.name,
      artistCount: r.artist_count,
      trackCount: r.track_count,
      playCount: r.play_count,
      msPlayed: r.ms_played,
    }));
  }
}
