import { sql, type RawBuilder } from 'kysely';

/**
 * The genres a user sees on artists: the catalog's genres less those the
 * user hid, plus those the user added. Every query that reads an artist's
 * genres for a user goes through this one definition, so a user's edits show
 * everywhere alike.
 *
 * `artists` is a relation with an `artist_id` column (a table, a CTE's name
 * or a subquery); the answer is its rows (`a.*`) with `genre_id` and
 * `source`, one per genre. Both branches join it by artist, so the planner
 * probes primary keys for one artist (a LATERAL subquery per page row) and
 * hashes for thousands (a user's whole library).
 */
export function withArtistGenres(
  userId: number | RawBuilder<unknown>,
  artists: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`(
    SELECT a.*, cg.genre_id, cg.source FROM ${artists} a
    JOIN artist_genre cg ON cg.artist_id = a.artist_id
    WHERE NOT EXISTS (SELECT 1 FROM user_artist_genre hidden
      WHERE hidden.user_id = ${userId} AND hidden.artist_id = cg.artist_id
        AND hidden.genre_id = cg.genre_id AND NOT hidden.assigned)
    UNION ALL
    SELECT a.*, own.genre_id, 'user'::genre_source FROM ${artists} a
    JOIN user_artist_genre own ON own.user_id = ${userId} AND own.artist_id = a.artist_id
      AND own.assigned
    WHERE NOT EXISTS (SELECT 1 FROM artist_genre cg
      WHERE cg.artist_id = own.artist_id AND cg.genre_id = own.genre_id)
  )`;
}

/** The genres (genre_id, source) of one artist, usually an outer column: join it LATERAL. */
export function genresOfArtist(
  userId: number | RawBuilder<unknown>,
  artistId: number | RawBuilder<unknown>,
): RawBuilder<unknown> {
  return withArtistGenres(userId, sql`(SELECT ${artistId}::bigint AS artist_id)`);
}

/**
 * The ids of the genres a user sees on one artist (`artistId`, usually an
 * outer column), as an array: the same rule as withArtistGenres, written for
 * one row of a page. Most users change no genre, so their own rows are only
 * read when they have any (a check planned once per statement); then an
 * artist's genres are one index-only probe. Names are left to the caller: a
 * page joining each genre's row cost more than the rest of its details.
 */
export function genreIdsOfArtist(
  userId: number,
  artistId: RawBuilder<unknown>,
): RawBuilder<number[]> {
  // Not EXISTS, which the planner may answer with a sequential scan stopping at the first
  // row (cheap for a user with edits, the whole table for one without): ordered as the
  // primary key, the first row is an index probe.
  const hasOwn = sql`coalesce((SELECT true FROM user_artist_genre WHERE user_id = ${userId}
    ORDER BY artist_id, genre_id LIMIT 1), false)`;
  return sql<number[]>`CASE WHEN ${hasOwn}
    THEN ARRAY(SELECT genre_id FROM ${genresOfArtist(userId, artistId)} g)
    ELSE ARRAY(SELECT genre_id FROM artist_genre WHERE artist_id = ${artistId}) END`;
}
