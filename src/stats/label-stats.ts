import { sql, type RawBuilder, type Transaction } from 'kysely';
import { numberArray } from '../db/array-literal.js';
import type { DB } from '../db/schema.js';
import { withArtistGenres } from '../library/user-artist-genres.js';

/**
 * All-time plays and time per tag (user_tag_stats) and per genre
 * (user_genre_stats): what the writers of their inputs call, inside their
 * transaction and under the user's write lock. A tag's figures are the sums
 * of its tracks' counters (user_track_stats); a genre's, the sums of the
 * user's artists (user_artist) that carry it as the user sees it. The
 * expected* builders are those definitions, which `stats verify` compares
 * with and rebuilds use.
 */

/** (user_id, key, play_count, ms_played) per tag of the users in `users` (a condition on `tt`). */
export function expectedTagStats(users: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    SELECT tt.user_id, tt.tag_id AS key, sum(s.play_count)::bigint AS play_count,
      sum(s.ms_played)::bigint AS ms_played
    FROM track_tag tt
    JOIN user_track_stats s ON s.user_id = tt.user_id AND s.user_track_id = tt.user_track_id
    WHERE ${users}
    GROUP BY tt.user_id, tt.tag_id`;
}

/** (user_id, key, play_count, ms_played) per genre of the users in `users` (a condition on `ua`). */
export function expectedGenreStats(users: RawBuilder<unknown>): RawBuilder<unknown> {
  const artists = sql`(SELECT ua.user_id, ua.artist_id, ua.play_count, ua.ms_played
    FROM user_artist ua WHERE ${users})`;
  return sql`
    SELECT g.user_id, g.genre_id AS key, sum(g.play_count)::bigint AS play_count,
      sum(g.ms_played)::bigint AS ms_played
    FROM ${withArtistGenres(sql`a.user_id`, artists)} g
    GROUP BY g.user_id, g.genre_id`;
}

/**
 * A CTE body adding new plays to the user's tag figures: `deltas` has
 * (user_track_id, plays, ms) per track.
 */
export function addToTagStats(userId: number, deltas: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    INSERT INTO user_tag_stats AS s (user_id, tag_id, play_count, ms_played)
    SELECT ${userId}, tt.tag_id, sum(d.plays), sum(d.ms) FROM ${deltas} d
    JOIN track_tag tt ON tt.user_id = ${userId} AND tt.user_track_id = d.user_track_id
    GROUP BY tt.tag_id
    ON CONFLICT (user_id, tag_id) DO UPDATE SET
      play_count = s.play_count + excluded.play_count, ms_played = s.ms_played + excluded.ms_played`;
}

/**
 * A CTE body adding new plays to the user's genre figures: `deltas` has
 * (artist_id, plays, ms) per play group, keyed on the track's primary
 * artist as user_artist is.
 */
export function addToGenreStats(userId: number, deltas: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    INSERT INTO user_genre_stats AS s (user_id, genre_id, play_count, ms_played)
    SELECT ${userId}, g.genre_id, sum(g.plays), sum(g.ms) FROM ${withArtistGenres(userId, deltas)} g
    GROUP BY g.genre_id
    ON CONFLICT (user_id, genre_id) DO UPDATE SET
      play_count = s.play_count + excluded.play_count, ms_played = s.ms_played + excluded.ms_played`;
}

/** Each kind's figures: its table and key, and its definition (`scope`: the alias its users filter). */
export const LABEL_TABLES = {
  tags: { table: 'user_tag_stats', key: 'tag_id', expected: expectedTagStats, scope: 'tt' },
  genres: { table: 'user_genre_stats', key: 'genre_id', expected: expectedGenreStats, scope: 'ua' },
} as const;
type LabelTable = (typeof LABEL_TABLES)[keyof typeof LABEL_TABLES];

/**
 * Recounts all of the user's tag and genre figures (the caller holds the
 * write lock), as of the catalog genres version read first: a change
 * committed after that read stamps a later version, so the figures show as
 * behind it.
 */
export async function rebuildLabelStats(trx: Transaction<DB>, userId: number): Promise<void> {
  const { genres_version: version } = await trx
    .selectFrom('catalog_state')
    .select('genres_version')
    .executeTakeFirstOrThrow();
  for (const { table, key, expected, scope } of Object.values(LABEL_TABLES)) {
    await sql`DELETE FROM ${sql.table(table)} WHERE user_id = ${userId}`.execute(trx);
    await sql`
      INSERT INTO ${sql.table(table)} (user_id, ${sql.ref(key)}, play_count, ms_played)
      SELECT user_id, key, play_count, ms_played
      FROM (${expected(sql`${sql.ref(`${scope}.user_id`)} = ${userId}`)}) x`.execute(trx);
  }
  await sql`
    INSERT INTO user_rollup_state (user_id, time_zone, label_stats_version)
    SELECT user_id, time_zone, ${version} FROM user_settings WHERE user_id = ${userId}
    ON CONFLICT (user_id) DO UPDATE SET label_stats_version = excluded.label_stats_version`.execute(
    trx,
  );
}

/** The user's tags on these user tracks: read before they leave, recounted after. */
export async function tagsOfTracks(
  trx: Transaction<DB>,
  userId: number,
  userTrackIds: readonly number[],
): Promise<number[]> {
  if (userTrackIds.length === 0) return [];
  const { rows } = await sql<{ tag_id: number }>`
    SELECT DISTINCT tag_id FROM track_tag
    WHERE user_id = ${userId} AND user_track_id = ANY(${numberArray(userTrackIds)}::bigint[])`.execute(
    trx,
  );
  return rows.map((r) => r.tag_id);
}

/** Recounts these tags of the user (ids the user has not are ignored). */
export function recountTagStats(
  trx: Transaction<DB>,
  userId: number,
  tagIds: readonly number[],
): Promise<void> {
  const tags = sql`(SELECT id FROM tag
    WHERE user_id = ${userId} AND id = ANY(${numberArray(tagIds)}::bigint[]))`;
  return recount(trx, userId, LABEL_TABLES.tags, tagIds, tags);
}

/** Recounts the user's figures of these genres. */
export function recountGenreStats(
  trx: Transaction<DB>,
  userId: number,
  genreIds: readonly number[],
): Promise<void> {
  const genres = sql`(SELECT id FROM genre WHERE id = ANY(${numberArray(genreIds)}::bigint[]))`;
  return recount(trx, userId, LABEL_TABLES.genres, genreIds, genres);
}

/** Rewrites the figures of `ids` (those of them in `known`, a relation of `id`s) from a recount. */
async function recount(
  trx: Transaction<DB>,
  userId: number,
  { table, key, expected, scope }: LabelTable,
  ids: readonly number[],
  known: RawBuilder<unknown>,
): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    INSERT INTO ${sql.table(table)} AS s (user_id, ${sql.ref(key)}, play_count, ms_played)
    SELECT ${userId}, k.id, coalesce(x.play_count, 0), coalesce(x.ms_played, 0)
    FROM ${known} k
    LEFT JOIN (SELECT * FROM (${expected(sql`${sql.ref(`${scope}.user_id`)} = ${userId}`)}) e
               WHERE e.key = ANY(${numberArray(ids)}::bigint[])) x ON x.key = k.id
    ON CONFLICT (user_id, ${sql.ref(key)}) DO UPDATE SET
      play_count = excluded.play_count, ms_played = excluded.ms_played`.execute(trx);
}

/** Recounts the user's genres that these artists carry: after their user_artist rows changed. */
export async function recountGenreStatsOfArtists(
  trx: Transaction<DB>,
  userId: number,
  artistIds: readonly number[],
): Promise<void> {
  if (artistIds.length === 0) return;
  const artists = sql`(SELECT DISTINCT unnest(${numberArray(artistIds)}::bigint[]) AS artist_id)`;
  const { rows } = await sql<{ genre_id: number }>`
    SELECT DISTINCT genre_id FROM ${withArtistGenres(userId, artists)} g`.execute(trx);
  await recountGenreStats(
    trx,
    userId,
    rows.map((r) => r.genre_id),
  );
}

/**
 * Takes the next catalog genres version, first thing in a transaction that
 * changes artist_genre (so its writers queue on this row before any other
 * lock), for stampGenreChanges.
 */
export async function nextGenresVersion(trx: Transaction<DB>): Promise<number> {
  const { rows } = await sql<{ genres_version: number }>`
    UPDATE catalog_state SET genres_version = genres_version + 1
    RETURNING genres_version`.execute(trx);
  return rows[0]!.genres_version;
}

/** Marks artists whose catalog genres changed: their users' genre figures need a rebuild. */
export async function stampGenreChanges(
  trx: Transaction<DB>,
  version: number,
  artistIds: readonly number[],
): Promise<void> {
  if (artistIds.length === 0) return;
  await sql`UPDATE artist SET genres_version = ${version}
    WHERE id = ANY(${numberArray(artistIds)}::bigint[])`.execute(trx);
}
