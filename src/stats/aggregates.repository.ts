import { Injectable } from '@nestjs/common';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import { numberArray } from '../db/array-literal.js';
import { fromEpochMs } from '../db/epoch-ms.js';
import type { PlayDelta } from '../history/history.repository.js';
import { addToGenreStats, addToTagStats, recountGenreStatsOfArtists } from './label-stats.js';

/** The per-user aggregates keyed on a track's primary artist and on its album. */
export const GROUP_AGGREGATES = [
  { table: 'user_artist', key: 'artist_id' },
  { table: 'user_album', key: 'album_id' },
] as const;

/**
 * Counters that follow plays (user_track_stats, user_artist, user_album,
 * user_tag_stats, user_genre_stats) and library membership (track_count),
 * changed in the transaction that changes what they count, from the rows
 * that transaction actually wrote.
 */
@Injectable()
export class AggregatesRepository {
  /**
   * Adds newly inserted plays to every counter, in one statement. Skips count
   * as skips, their time as time.
   */
  async addPlays(trx: Transaction<DB>, userId: number, deltas: readonly PlayDelta[]) {
    if (deltas.length === 0) return;
    const column = <K extends keyof PlayDelta>(key: K) => deltas.map((d) => d[key] ?? 0);
    const groupDelta = (table: string, key: string) => sql`
      INSERT INTO ${sql.table(table)} AS agg (user_id, ${sql.ref(key)}, play_count, ms_played, last_played_at)
      SELECT ${userId}, ${sql.ref(key)}, sum(plays), sum(ms), max(last)
      FROM keyed WHERE ${sql.ref(key)} IS NOT NULL
      GROUP BY ${sql.ref(key)}
      ON CONFLICT (user_id, ${sql.ref(key)}) DO UPDATE SET
        play_count = agg.play_count + excluded.play_count,
        ms_played = agg.ms_played + excluded.ms_played,
        last_played_at = GREATEST(agg.last_played_at, excluded.last_played_at)`;
    await sql`
      WITH d AS (
        SELECT user_track_id, plays, skips, ms,
          CASE WHEN last_ms <> 0 THEN ${fromEpochMs('last_ms')} END AS last
        FROM unnest(${numberArray(column('userTrackId'))}::bigint[], ${numberArray(column('plays'))}::int[],
          ${numberArray(column('skips'))}::int[], ${numberArray(column('msPlayed'))}::bigint[],
          ${numberArray(column('lastPlayedMs'))}::bigint[]) AS d(user_track_id, plays, skips, ms, last_ms)
      ), tracks AS (
        UPDATE user_track_stats s SET
          play_count = s.play_count + d.plays, skip_count = s.skip_count + d.skips,
          ms_played = s.ms_played + d.ms, last_played_at = GREATEST(s.last_played_at, d.last)
        FROM d WHERE s.user_id = ${userId} AND s.user_track_id = d.user_track_id
      ), keyed AS (
        SELECT d.plays, d.ms, d.last, t.artist_id, t.album_id FROM d
        JOIN user_track ut ON ut.user_id = ${userId} AND ut.id = d.user_track_id
        JOIN track t ON t.id = ut.track_id
      ), artists AS (${groupDelta('user_artist', 'artist_id')}),
      tags AS (${addToTagStats(userId, sql`d`)}),
      genres AS (${addToGenreStats(userId, sql`keyed`)})
      ${groupDelta('user_album', 'album_id')}`.execute(trx);
  }

  /** Counts tracks that joined (+1) or left (-1) the user's library. */
  async changeTrackCounts(
    trx: Transaction<DB>,
    userId: number,
    trackIds: number[],
    change: 1 | -1,
  ) {
    if (trackIds.length === 0) return;
    for (const { table, key } of GROUP_AGGREGATES) {
      await sql`
        INSERT INTO ${sql.table(table)} AS agg (user_id, ${sql.ref(key)}, track_count)
        SELECT ${userId}, t.${sql.ref(key)}, ${change} * count(*)
        FROM track t WHERE t.id = ANY(${numberArray(trackIds)}::bigint[]) AND t.${sql.ref(key)} IS NOT NULL
        GROUP BY t.${sql.ref(key)}
        ON CONFLICT (user_id, ${sql.ref(key)}) DO UPDATE SET
          track_count = agg.track_count + excluded.track_count`.execute(trx);
    }
  }
}

/**
 * Recomputes the user's artist and album rows for the given catalog tracks'
 * artists and albums from the user's track counters, and the figures of the
 * artists' genres: after tracks left the library (their plays go with them)
 * or a track got its album.
 */
export async function recomputeGroupsOf(
  trx: Transaction<DB>,
  userId: number,
  trackIds: readonly number[],
): Promise<void> {
  if (trackIds.length === 0) return;
  for (const { table, key } of GROUP_AGGREGATES) {
    await sql`
      WITH affected AS (
        SELECT DISTINCT t.${sql.ref(key)} AS key FROM track t
        WHERE t.id = ANY(${trackIds}::bigint[]) AND t.${sql.ref(key)} IS NOT NULL
      ), recount AS (
        SELECT a.key, count(ut.id)::int AS track_count, coalesce(sum(s.play_count), 0)::int AS play_count,
          coalesce(sum(s.ms_played), 0)::bigint AS ms_played, max(s.last_played_at) AS last_played_at
        FROM affected a
        LEFT JOIN track t ON t.${sql.ref(key)} = a.key
        LEFT JOIN user_track ut ON ut.user_id = ${userId} AND ut.track_id = t.id
        LEFT JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id
        GROUP BY a.key
      )
      INSERT INTO ${sql.table(table)} AS agg
        (user_id, ${sql.ref(key)}, track_count, play_count, ms_played, last_played_at)
      SELECT ${userId}, r.key, r.track_count, r.play_count, r.ms_played, r.last_played_at FROM recount r
      ON CONFLICT (user_id, ${sql.ref(key)}) DO UPDATE SET track_count = excluded.track_count,
        play_count = excluded.play_count, ms_played = excluded.ms_played,
        last_played_at = excluded.last_played_at`.execute(trx);
  }
  const { rows } = await sql<{ artist_id: number }>`
    SELECT DISTINCT artist_id FROM track
    WHERE id = ANY(${trackIds}::bigint[]) AND artist_id IS NOT NULL`.execute(trx);
  await recountGenreStatsOfArtists(
    trx,
    userId,
    rows.map((r) => r.artist_id),
  );
}
