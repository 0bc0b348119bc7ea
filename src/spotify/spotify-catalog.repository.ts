import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { booleanArray, numberArray, textArray } from '../db/array-literal.js';
import type { DB } from '../db/schema.js';
import { sortKey } from '../db/sort-key.js';
import { nextGenresVersion, stampGenreChanges } from '../stats/label-stats.js';

/** What Spotify says about a catalog track beyond its name, artist and album. */
export interface TrackDetails {
  trackId: number;
  /** the catalog ids of every credited artist in order: the first is the track's primary artist */
  artists: number[];
  album: { spotifyId: string; imageUrl: string | null; releaseDate: string | null } | null;
  explicit: boolean;
  isrc: string | null;
  discNumber: number;
  trackNumber: number;
}

export interface ArtistDetails {
  artistId: number;
  imageUrl: string | null;
  /** null: Spotify no longer knows the artist; keep what we have */
  genres: string[] | null;
}

/**
 * Spotify's details on the shared catalog: all credited artists (their rows
 * found by Spotify id: CatalogService.artistIds), album art and Spotify ids
 * of albums (first come, first kept), and the artist-details cache with
 * genres of source "spotify". Set-based per batch.
 */
@Injectable()
export class SpotifyCatalogRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async applyTrackDetails(tracks: readonly TrackDetails[]): Promise<void> {
    if (tracks.length === 0) return;
    const credits = tracks.flatMap((t) =>
      t.artists.map((id, position) => ({ trackId: t.trackId, position, id })),
    );
    await sql`
      INSERT INTO track_artist (track_id, position, artist_id)
      SELECT * FROM unnest(
        ${numberArray(credits.map((c) => c.trackId))}::bigint[], ${numberArray(credits.map((c) => c.position))}::int[],
        ${numberArray(credits.map((c) => c.id))}::bigint[])
      ORDER BY 1, 2
      ON CONFLICT DO NOTHING`.execute(this.db);
    const column = <T>(pick: (t: TrackDetails) => T) => tracks.map(pick);
    await sql`
      UPDATE track t SET explicit = n.explicit, isrc = coalesce(n.isrc, t.isrc),
        disc_number = n.disc_number, track_number = n.track_number, updated_at = now()
      FROM unnest(
        ${numberArray(column((t) => t.trackId))}::bigint[], ${booleanArray(column((t) => t.explicit))}::boolean[],
        ${textArray(column((t) => t.isrc))}::text[], ${numberArray(column((t) => t.discNumber))}::int[],
        ${numberArray(column((t) => t.trackNumber))}::int[]
      ) AS n(id, explicit, isrc, disc_number, track_number)
      WHERE t.id = n.id AND (t.explicit, t.isrc, t.disc_number, t.track_number)
        IS DISTINCT FROM (n.explicit, coalesce(n.isrc, t.isrc), n.disc_number, n.track_number)`.execute(
      this.db,
    );
    await this.applyAlbumDetails(
      tracks.flatMap((t) => (t.album ? [{ trackId: t.trackId, ...t.album }] : [])),
    );
  }

  /**
   * Album art, release date and Spotify id, each album row written once.
   * Albums are keyed by their first track's primary artist: a compilation is
   * one row per artist, all naming one Spotify album. The id goes to one of
   * them (the unique key), the first that claims it.
   */
  private async applyAlbumDetails(
    albums: {
      trackId: number;
      spotifyId: string;
      imageUrl: string | null;
      releaseDate: string | null;
    }[],
  ): Promise<void> {
    if (albums.length === 0) return;
    await sql`
      WITH named AS MATERIALIZED (
        SELECT t.album_id, n.spotify_id, n.image_url, n.release_date
        FROM unnest(
          ${numberArray(albums.map((a) => a.trackId))}::bigint[], ${textArray(albums.map((a) => a.spotifyId))}::text[],
          ${textArray(albums.map((a) => a.imageUrl))}::text[], ${textArray(albums.map((a) => a.releaseDate))}::text[]
        ) AS n(track_id, spotify_id, image_url, release_date)
        JOIN track t ON t.id = n.track_id
        WHERE t.album_id IS NOT NULL
      ), claims AS (
        SELECT DISTINCT ON (spotify_id) album_id, spotify_id FROM named ORDER BY spotify_id, album_id
      ), next AS (
        SELECT DISTINCT ON (al.id) al.id,
          coalesce(n.image_url, al.image_url) AS image_url,
          coalesce(n.release_date, al.release_date) AS release_date,
          CASE WHEN al.spotify_id IS NULL AND c.spotify_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM album x WHERE x.spotify_id = c.spotify_id)
            THEN c.spotify_id ELSE al.spotify_id END AS spotify_id
        FROM named n
        JOIN album al ON al.id = n.album_id
        LEFT JOIN claims c ON c.album_id = n.album_id
        ORDER BY al.id, c.spotify_id
      )
      UPDATE album al SET image_url = n.image_url, release_date = n.release_date,
        spotify_id = n.spotify_id, updated_at = now()
      FROM next n
      WHERE al.id = n.id
        AND (al.image_url, al.release_date, al.spotify_id) IS DISTINCT FROM (n.image_url, n.release_date, n.spotify_id)`.execute(
      this.db,
    );
  }

  /**
   * The user's artists with a Spotify id whose details are missing or older
   * than `staleDays`, after artist `afterId`, in id order.
   */
  async artistsToDescribe(userId: number, staleDays: number, afterId: number, limit: number) {
    // The user's credit is probed per artist (a scalar subquery, not EXISTS): as a semi-join
    // the planner merged with every credit of the catalog up to the page, each round (0.9 s).
    const { rows } = await sql<{ id: number; spotify_id: string }>`
      SELECT a.id, a.spotify_id FROM artist a
      WHERE a.id > ${afterId} AND a.spotify_id IS NOT NULL
        AND (a.details_fetched_at IS NULL OR a.details_fetched_at < now() - make_interval(days => ${staleDays}))
        AND (SELECT true FROM track_artist ta JOIN user_track ut ON ut.track_id = ta.track_id
             WHERE ta.artist_id = a.id AND ut.user_id = ${userId} LIMIT 1)
      ORDER BY a.id
      LIMIT ${limit}`.execute(this.db);
    return rows;
  }

  /** Stores artists' image and Spotify genres (replacing their earlier Spotify genres). */
  async applyArtistDetails(details: readonly ArtistDetails[]): Promise<void> {
    if (details.length === 0) return;
    const known = details.filter((d) => d.genres !== null);
    const pairs = known.flatMap((d) => d.genres!.map((name) => ({ artistId: d.artistId, name })));
    const names = [...new Set(pairs.map((p) => p.name))].sort();
    await this.db.transaction().execute(async (trx) => {
      const version = await nextGenresVersion(trx);
      if (names.length > 0) {
        await sql`INSERT INTO genre (name, sort_name)
          SELECT * FROM unnest(${textArray(names)}::text[], ${textArray(names.map(sortKey))}::text[])
          ON CONFLICT (name) DO NOTHING`.execute(trx);
      }
      const { rows: dropped } = await sql<{ artist_id: number }>`
        DELETE FROM artist_genre ag
        WHERE ag.source = 'spotify' AND ag.artist_id = ANY(${numberArray(known.map((d) => d.artistId))}::bigint[])
          AND NOT EXISTS (
            SELECT 1 FROM unnest(${numberArray(pairs.map((p) => p.artistId))}::bigint[], ${textArray(pairs.map((p) => p.name))}::text[])
              AS n(artist_id, name)
            JOIN genre g ON g.name = n.name
            WHERE n.artist_id = ag.artist_id AND g.id = ag.genre_id)
        RETURNING ag.artist_id`.execute(trx);
      const { rows: added } = await sql<{ artist_id: number }>`
        INSERT INTO artist_genre (artist_id, genre_id, source)
        SELECT n.artist_id, g.id, 'spotify'
        FROM unnest(${numberArray(pairs.map((p) => p.artistId))}::bigint[], ${textArray(pairs.map((p) => p.name))}::text[])
          AS n(artist_id, name)
        JOIN genre g ON g.name = n.name
        ORDER BY 1, 2
        ON CONFLICT (artist_id, genre_id) DO NOTHING
        RETURNING artist_id`.execute(trx);
      await stampGenreChanges(
        trx,
        version,
        [...dropped, ...added].map((r) => r.artist_id),
      );
      await sql`
        UPDATE artist a SET image_url = coalesce(n.image_url, a.image_url), details_fetched_at = now(), updated_at = now()
        FROM unnest(${numberArray(details.map((d) => d.artistId))}::bigint[], ${textArray(details.map((d) => d.imageUrl))}::text[])
          AS n(id, image_url)
        WHERE a.id = n.id`.execute(trx);
    });
  }

  /** The user's tracks without a Spotify id, after user track `afterId`, in id order. */
  async unresolvedTracksOf(userId: number, afterId: number, limit: number) {
    return (
      this.db
        .selectFrom('user_track as ut')
        .innerJoin('track as t', 't.id', 'ut.track_id')
        .innerJoin('artist as a', 'a.id', 't.artist_id')
        .select(['ut.id', 't.name', 'a.name as artist_name'])
        .where('ut.user_id', '=', userId)
        .where('t.spotify_id', 'is', null)
        // the walk follows user_track's primary key (user_id, id)
        .where('ut.id', '>', afterId)
        .orderBy('ut.id')
        .limit(limit)
        .execute()
    );
  }
}
