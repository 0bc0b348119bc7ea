import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { numberArray, textArray } from '../db/array-literal.js';
import type { DB, GenreSource } from '../db/schema.js';
import { sortKey } from '../db/sort-key.js';
import { nextGenresVersion, stampGenreChanges } from '../stats/label-stats.js';

/** What an archive says about a catalog track beyond what resolving it by name or id sets. */
export interface TrackFactsToFill {
  trackId: number;
  /** every credited artist's catalog id, in order (the first is the primary) */
  artistIds: number[];
  explicit: boolean | null;
  isrc: string | null;
  discNumber: number | null;
  trackNumber: number | null;
  album: { spotifyId: string | null; imageUrl: string | null; releaseDate: string | null } | null;
}

export interface ArtistFactsToFill {
  artistId: number;
  imageUrl: string | null;
  genres: { name: string; source: GenreSource }[];
}

/**
 * Fills gaps in the shared catalog from an archive: credits, Spotify ids,
 * ISRC, album art and dates, artist images and genres. It never overwrites:
 * what this instance knows (from its own Spotify sync, say) is as fresh as
 * the archive or fresher. Spotify ids go first come, first kept, as
 * SpotifyCatalogRepository gives them. Set-based per batch.
 */
@Injectable()
export class BackupCatalogRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async fillTracks(tracks: readonly TrackFactsToFill[]): Promise<void> {
    if (tracks.length === 0) return;
    const credits = tracks.flatMap((t) =>
      t.artistIds.map((artistId, position) => ({ trackId: t.trackId, position, artistId })),
    );
    await sql`
      INSERT INTO track_artist (track_id, position, artist_id)
      SELECT * FROM unnest(${numberArray(credits.map((c) => c.trackId))}::bigint[],
        ${numberArray(credits.map((c) => c.position))}::int[],
        ${numberArray(credits.map((c) => c.artistId))}::bigint[])
      ORDER BY 1, 2
      ON CONFLICT DO NOTHING`.execute(this.db);
    const column = <T>(pick: (t: TrackFactsToFill) => T) => tracks.map(pick);
    const numbers = (pick: (t: TrackFactsToFill) => number | null) =>
      textArray(column((t) => (pick(t) === null ? null : String(pick(t)))));
    await sql`
      UPDATE track t SET explicit = coalesce(t.explicit, n.explicit), isrc = coalesce(t.isrc, n.isrc),
        disc_number = coalesce(t.disc_number, n.disc_number),
        track_number = coalesce(t.track_number, n.track_number), updated_at = now()
      FROM unnest(${numberArray(column((t) => t.trackId))}::bigint[],
        ${textArray(column((t) => (t.explicit === null ? null : String(t.explicit))))}::boolean[],
        ${textArray(column((t) => t.isrc))}::text[], ${numbers((t) => t.discNumber)}::int[],
        ${numbers((t) => t.trackNumber)}::int[]) AS n(id, explicit, isrc, disc_number, track_number)
      WHERE t.id = n.id AND (t.explicit, t.isrc, t.disc_number, t.track_number) IS DISTINCT FROM
        (coalesce(t.explicit, n.explicit), coalesce(t.isrc, n.isrc),
         coalesce(t.disc_number, n.disc_number), coalesce(t.track_number, n.track_number))`.execute(
      this.db,
    );
    await this.fillAlbums(
      tracks.flatMap((t) => (t.album ? [{ trackId: t.trackId, ...t.album }] : [])),
    );
  }

  /** The albums the tracks ended up on get the archive's art, date and Spotify id where they lack them. */
  private async fillAlbums(
    albums: readonly {
      trackId: number;
      spotifyId: string | null;
      imageUrl: string | null;
      releaseDate: string | null;
    }[],
  ): Promise<void> {
    if (albums.length === 0) return;
    const albumRows = sql`
      SELECT t.album_id, n.spotify_id, n.image_url, n.release_date
      FROM unnest(${numberArray(albums.map((a) => a.trackId))}::bigint[],
        ${textArray(albums.map((a) => a.spotifyId))}::text[],
        ${textArray(albums.map((a) => a.imageUrl))}::text[],
        ${textArray(albums.map((a) => a.releaseDate))}::text[]) AS n(track_id, spotify_id, image_url, release_date)
      JOIN track t ON t.id = n.track_id
      WHERE t.album_id IS NOT NULL`;
    await sql`
      UPDATE album al SET image_url = coalesce(al.image_url, n.image_url),
        release_date = coalesce(al.release_date, n.release_date), updated_at = now()
      FROM (SELECT DISTINCT ON (album_id) * FROM (${albumRows}) r ORDER BY album_id) n
      WHERE al.id = n.album_id AND (al.image_url IS NULL AND n.image_url IS NOT NULL
        OR al.release_date IS NULL AND n.release_date IS NOT NULL)`.execute(this.db);
    await sql`
      UPDATE album al SET spotify_id = n.spotify_id
      FROM (SELECT DISTINCT ON (spotify_id) * FROM (${albumRows}) r
            WHERE spotify_id IS NOT NULL ORDER BY spotify_id, album_id) n
      WHERE al.id = n.album_id AND al.spotify_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM album x WHERE x.spotify_id = n.spotify_id)`.execute(this.db);
  }

  /**
   * Artists' images where they lack them, and the archive's genres for
   * artists that have none here yet (Spotify's, which a sync would bring, or
   * other sources'). Their Spotify ids came with their rows
   * (CatalogService.artistIds).
   */
  async fillArtists(artists: readonly ArtistFactsToFill[]): Promise<void> {
    if (artists.length === 0) return;
    const ids = numberArray(artists.map((a) => a.artistId));
    await this.db.transaction().execute(async (trx) => {
      const version = await nextGenresVersion(trx);
      const given = sql`unnest(${ids}::bigint[], ${textArray(artists.map((a) => a.imageUrl))}::text[])
        AS n(id, image_url)`;
      await sql`
        UPDATE artist a SET image_url = n.image_url, updated_at = now()
        FROM (SELECT DISTINCT ON (id) * FROM ${given} WHERE image_url IS NOT NULL ORDER BY id) n
        WHERE a.id = n.id AND a.image_url IS NULL`.execute(trx);
      const pairs = artists.flatMap((a) => a.genres.map((g) => ({ artistId: a.artistId, ...g })));
      if (pairs.length === 0) return;
      const names = [...new Set(pairs.map((p) => p.name))].sort();
      await sql`INSERT INTO genre (name, sort_name)
        SELECT * FROM unnest(${textArray(names)}::text[], ${textArray(names.map(sortKey))}::text[])
        ON CONFLICT (name) DO NOTHING`.execute(trx);
      const { rows: added } = await sql<{ artist_id: number }>`
        INSERT INTO artist_genre (artist_id, genre_id, source)
        SELECT n.artist_id, g.id, n.source::genre_source
        FROM unnest(${numberArray(pairs.map((p) => p.artistId))}::bigint[],
          ${textArray(pairs.map((p) => p.name))}::text[], ${textArray(pairs.map((p) => p.source))}::text[])
          AS n(artist_id, name, source)
        JOIN genre g ON g.name = n.name
        WHERE NOT EXISTS (SELECT 1 FROM artist_genre x WHERE x.artist_id = n.artist_id)
        ORDER BY 1, 2
        ON CONFLICT DO NOTHING
        RETURNING artist_id`.execute(trx);
      await stampGenreChanges(
        trx,
        version,
        added.map((r) => r.artist_id),
      );
    });
  }
}
