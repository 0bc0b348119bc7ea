import { sql, type RawBuilder } from 'kysely';

/**
 * The genres a user sees on one artist, as rows (genre_id, source): the
 * catalog's genres less those the user hid, plus those the user added.
 * Every query that reads an artist's genres for a user goes through this one
 * definition, so a user's edits show everywhere alike. `artistId` is usually
 * an outer column (join it LATERAL): both branches then probe their primary
 * keys per artist, which is what a page of 50 tracks needs.
 */
export function genresOfArtist(
  userId: number | RawBuilder<unknown>,
  artistId: number | RawBuilder<unknown>,
): RawBuilder<{ genre_id: number; source: string }> {
  return sql`(
    SELECT cg.genre_id, cg.source FROM artist_genre cg
    WHERE cg.artist_id = ${artistId} AND NOT EXISTS (SELECT 1 FROM user_artist_genre hidden
      WHERE hidden.user_id = ${userId} AND hidden.artist_id = ${artistId}
        AND hidden.genre_id = cg.genre_id AND NOT hidden.assigned)
    UNION ALL
    SELECT own.genre_id, 'user'::genre_source FROM user_artist_genre own
    WHERE own.user_id = ${userId} AND own.artist_id = ${artistId} AND own.assigned
      AND NOT EXISTS (SELECT 1 FROM artist_genre cg
        WHERE cg.artist_id = ${artistId} AND cg.genre_id = own.genre_id)
  )`;
}
