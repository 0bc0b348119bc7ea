import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { booleanArray, numberArray, textArray } from '../db/array-literal.js';
import type { DB } from '../db/schema.js';

export interface NewArtist {
  name: string;
  sortName: string;
}
export interface NewSpotifyArtist extends NewArtist {
  spotifyId: string;
}
export interface NewAlbum {
  name: string;
  sortName: string;
  artistId: number;
}
export interface NewTrack {
  spotifyId: string | null;
  name: string;
  sortName: string;
  artistId: number;
  albumId: number | null;
  durationMs: number | null;
  explicit: boolean | null;
  isrc: string | null;
  discNumber: number | null;
  trackNumber: number | null;
}

/** The fields of a new track holding values of type V. */
type KeyOf<V> = { [K in keyof NewTrack]: NewTrack[K] extends V ? K : never }[keyof NewTrack];

/**
 * The shared catalog. Rows made from metadata alone have no Spotify id and are
 * unique by normalised name (partial unique indexes), so concurrent writers
 * meet in ON CONFLICT instead of making twins. Lookups prefer resolved rows.
 * Inserts go in key order, so two writers wait for each other's new keys in
 * the same order and cannot deadlock.
 */
@Injectable()
export class CatalogRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async tracksBySpotifyId(spotifyIds: string[]): Promise<Map<string, number>> {
    if (spotifyIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('track')
      .select(['id', 'spotify_id'])
      .where(sql<boolean>`spotify_id = ANY(${textArray(spotifyIds)}::text[])`)
      .execute();
    return new Map(rows.map((r) => [r.spotify_id!, r.id]));
  }

  /** Tracks by (primary artist sort name, track sort name), a resolved one first. */
  async tracksByName(keys: { artistSort: string; trackSort: string }[]) {
    if (keys.length === 0) return [];
    const { rows } = await sql<{ artist_sort: string; track_sort: string; id: number }>`
      SELECT DISTINCT ON (k.artist_sort, k.track_sort) k.artist_sort, k.track_sort, t.id
      FROM unnest(${textArray(keys.map((k) => k.artistSort))}::text[], ${textArray(keys.map((k) => k.trackSort))}::text[])
        AS k(artist_sort, track_sort)
      JOIN artist a ON a.sort_name = k.artist_sort COLLATE "C"
      JOIN track t ON t.artist_id = a.id AND t.sort_name = k.track_sort COLLATE "C"
      ORDER BY k.artist_sort, k.track_sort, t.spotify_id IS NULL, t.id`.execute(this.db);
    return rows;
  }

  /** Artist ids by sort name, creating unresolved artists for names not known yet. */
  async ensureArtists(artists: NewArtist[]): Promise<Map<string, number>> {
    if (artists.length === 0) return new Map();
    const sortNames = textArray(artists.map((a) => a.sortName));
    await sql`
      INSERT INTO artist (name, sort_name)
      SELECT n.name, n.sort_name
      FROM unnest(${textArray(artists.map((a) => a.name))}::text[], ${sortNames}::text[]) AS n(name, sort_name)
      WHERE NOT EXISTS (SELECT 1 FROM artist a WHERE a.sort_name = n.sort_name COLLATE "C")
      ORDER BY n.sort_name
      ON CONFLICT (sort_name) WHERE spotify_id IS NULL DO NOTHING`.execute(this.db);
    const { rows } = await sql<{ sort_name: string; id: number }>`
      SELECT DISTINCT ON (sort_name) sort_name, id FROM artist
      WHERE sort_name = ANY(${sortNames}::text[])
      ORDER BY sort_name, spotify_id IS NULL, id`.execute(this.db);
    return new Map(rows.map((r) => [r.sort_name, r.id]));
  }

  /**
   * Artist ids by Spotify id. Spotify's ids tell namesakes apart, so each id
   * is its own row: the row holding it; else the name-keyed row of its name,
   * which takes it (an export named the artist before its id was known; the
   * first id seen for a name wins); else a new row.
   */
  async ensureSpotifyArtists(artists: NewSpotifyArtist[]): Promise<Map<string, number>> {
    const found = await this.artistsBySpotifyId(artists.map((a) => a.spotifyId));
    // most of a sync's artists are known after its first pages: one statement then
    const missing = artists.filter((a) => !found.has(a.spotifyId));
    if (missing.length === 0) return found;
    const spotifyIds = textArray(missing.map((a) => a.spotifyId));
    const sortNames = textArray(missing.map((a) => a.sortName));
    await sql`
      UPDATE artist a SET spotify_id = n.spotify_id, updated_at = now()
      FROM (
        SELECT DISTINCT ON (n.sort_name) n.spotify_id, n.sort_name
        FROM unnest(${spotifyIds}::text[], ${sortNames}::text[]) AS n(spotify_id, sort_name)
        WHERE NOT EXISTS (SELECT 1 FROM artist x WHERE x.spotify_id = n.spotify_id)
        ORDER BY n.sort_name, n.spotify_id
      ) n
      WHERE a.spotify_id IS NULL AND a.sort_name = n.sort_name COLLATE "C"`.execute(this.db);
    await sql`
      INSERT INTO artist (spotify_id, name, sort_name)
      SELECT n.spotify_id, n.name, n.sort_name
      FROM unnest(${spotifyIds}::text[], ${textArray(missing.map((a) => a.name))}::text[], ${sortNames}::text[])
        AS n(spotify_id, name, sort_name)
      WHERE NOT EXISTS (SELECT 1 FROM artist x WHERE x.spotify_id = n.spotify_id)
      ORDER BY n.spotify_id
      ON CONFLICT (spotify_id) DO NOTHING`.execute(this.db);
    const created = await this.artistsBySpotifyId(missing.map((a) => a.spotifyId));
    return new Map([...found, ...created]);
  }

  private async artistsBySpotifyId(spotifyIds: string[]): Promise<Map<string, number>> {
    if (spotifyIds.length === 0) return new Map();
    const { rows } = await sql<{ spotify_id: string; id: number }>`
      SELECT spotify_id, id FROM artist WHERE spotify_id = ANY(${textArray(spotifyIds)}::text[])`.execute(
      this.db,
    );
    return new Map(rows.map((r) => [r.spotify_id, r.id]));
  }

  /** Album ids by `${artistId}:${sortName}`, creating unresolved albums as needed. */
  async ensureAlbums(albums: NewAlbum[]): Promise<Map<string, number>> {
    if (albums.length === 0) return new Map();
    const values = {
      names: textArray(albums.map((a) => a.name)),
      sorts: textArray(albums.map((a) => a.sortName)),
      artists: numberArray(albums.map((a) => a.artistId)),
    };
    await sql`
      INSERT INTO album (name, sort_name, artist_id)
      SELECT n.name, n.sort_name, n.artist_id
      FROM unnest(${values.names}::text[], ${values.sorts}::text[], ${values.artists}::bigint[])
        AS n(name, sort_name, artist_id)
      WHERE NOT EXISTS (
        SELECT 1 FROM album a WHERE a.artist_id = n.artist_id AND a.sort_name = n.sort_name COLLATE "C"
      )
      ORDER BY n.artist_id, n.sort_name
      ON CONFLICT (artist_id, sort_name) WHERE spotify_id IS NULL DO NOTHING`.execute(this.db);
    const { rows } = await sql<{ artist_id: number; sort_name: string; id: number }>`
      SELECT DISTINCT ON (a.artist_id, a.sort_name) a.artist_id, a.sort_name, a.id
      FROM unnest(${values.sorts}::text[], ${values.artists}::bigint[]) AS n(sort_name, artist_id)
      JOIN album a ON a.artist_id = n.artist_id AND a.sort_name = n.sort_name COLLATE "C"
      ORDER BY a.artist_id, a.sort_name, a.spotify_id IS NULL, a.id`.execute(this.db);
    return new Map(rows.map((r) => [`${r.artist_id}:${r.sort_name}`, r.id]));
  }

  /**
   * Gives unresolved tracks their Spotify id when a source names one for the
   * same artist and title: the track becomes resolved in place, so its plays,
   * tags and playlist entries stay where they are. Returns the tracks
   * changed, and which of them gained an album (their plays now count for it).
   */
  async resolveTwins(tracks: NewTrack[]): Promise<{ resolved: number[]; albumGained: number[] }> {
    const named = tracks.filter((t) => t.spotifyId !== null);
    if (named.length === 0) return { resolved: [], albumGained: [] };
    const text = (key: KeyOf<string | null>) => textArray(named.map((t) => t[key]));
    const number = (key: KeyOf<number | null>) => numberArray(named.map((t) => t[key]));
    const { rows } = await sql<{ id: number; album_gained: boolean }>`
      UPDATE track t SET spotify_id = n.spotify_id, album_id = coalesce(t.album_id, n.album_id),
        duration_ms = coalesce(t.duration_ms, n.duration_ms), updated_at = now()
      FROM unnest(
        ${text('spotifyId')}::text[], ${number('artistId')}::bigint[], ${text('sortName')}::text[],
        ${number('albumId')}::bigint[], ${number('durationMs')}::int[]
      ) AS n(spotify_id, artist_id, sort_name, album_id, duration_ms)
      WHERE t.spotify_id IS NULL AND t.artist_id = n.artist_id AND t.sort_name = n.sort_name COLLATE "C"
        AND NOT EXISTS (SELECT 1 FROM track x WHERE x.spotify_id = n.spotify_id)
      -- the subquery reads the row as it was before this statement
      RETURNING t.id, (SELECT b.album_id IS NULL FROM track b WHERE b.id = t.id) AND t.album_id IS NOT NULL
        AS album_gained`.execute(this.db);
    return {
      resolved: rows.map((r) => r.id),
      albumGained: rows.filter((r) => r.album_gained).map((r) => r.id),
    };
  }

  /**
   * Unresolved tracks that name the same track as one of these resolved ones
   * (same primary artist and track sort names): to be merged into it. Happens
   * when both were created side by side, or a track got its Spotify id by a
   * lookup that another spelling already had.
   */
  async unresolvedTwinsOf(trackIds: readonly number[]): Promise<{ from: number; into: number }[]> {
    if (trackIds.length === 0) return [];
    const { rows } = await sql<{ from: number; into: number }>`
      SELECT DISTINCT ON (u.id) u.id AS from, r.id AS into
      FROM track r
      JOIN artist ra ON ra.id = r.artist_id
      JOIN artist ua ON ua.sort_name = ra.sort_name
      JOIN track u ON u.artist_id = ua.id AND u.sort_name = r.sort_name AND u.spotify_id IS NULL
      WHERE r.id IN (SELECT unnest(${trackIds}::bigint[])) AND r.spotify_id IS NOT NULL
      ORDER BY u.id, r.id`.execute(this.db);
    return rows;
  }

  /** Removes a catalog track nobody has any more (one merged into another). */
  async deleteIfUnused(trackId: number): Promise<void> {
    await sql`DELETE FROM track t WHERE t.id = ${trackId}
      AND NOT EXISTS (SELECT 1 FROM user_track ut WHERE ut.track_id = t.id)`.execute(this.db);
  }

  /** Creates tracks (and their primary credit) unless a twin exists; returns the rows it inserted. */
  async insertTracks(tracks: NewTrack[]) {
    if (tracks.length === 0) return [];
    const text = (key: KeyOf<string | null>) => textArray(tracks.map((t) => t[key]));
    const number = (key: KeyOf<number | null>) => numberArray(tracks.map((t) => t[key]));
    const { rows } = await sql<{ id: number; spotify_id: string | null }>`
      WITH inserted AS (
        INSERT INTO track (spotify_id, name, sort_name, artist_id, album_id, duration_ms,
          explicit, isrc, disc_number, track_number)
        SELECT n.spotify_id, n.name, n.sort_name, n.artist_id, n.album_id, n.duration_ms,
          n.explicit, n.isrc, n.disc_number, n.track_number
        FROM unnest(
          ${text('spotifyId')}::text[], ${text('name')}::text[], ${text('sortName')}::text[],
          ${number('artistId')}::bigint[], ${number('albumId')}::bigint[], ${number('durationMs')}::int[],
          ${booleanArray(tracks.map((t) => t.explicit))}::boolean[], ${text('isrc')}::text[],
          ${number('discNumber')}::int[], ${number('trackNumber')}::int[]
        ) AS n(spotify_id, name, sort_name, artist_id, album_id, duration_ms,
          explicit, isrc, disc_number, track_number)
        WHERE n.spotify_id IS NOT NULL OR NOT EXISTS (
          SELECT 1 FROM track t WHERE t.artist_id = n.artist_id AND t.sort_name = n.sort_name COLLATE "C"
        )
        ORDER BY n.spotify_id, n.artist_id, n.sort_name
        ON CONFLICT DO NOTHING
        RETURNING id, spotify_id, artist_id
      ), credited AS (
        INSERT INTO track_artist (track_id, position, artist_id)
        SELECT id, 0, artist_id FROM inserted
      )
      SELECT id, spotify_id FROM inserted`.execute(this.db);
    return rows;
  }
}
