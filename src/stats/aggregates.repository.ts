import { Injectable } from '@nestjs/common';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { InsertedPlay } from '../history/history.repository.js';

/** The per-user aggregates keyed on a track's primary artist and on its album. */
export const GROUP_AGGREGATES = [
  { table: 'user_artist', key: 'artist_id' },
  { table: 'user_album', key: 'album_id' },
] as const;

interface TrackDelta {
  userTrackId: number;
  plays: number;
  skips: number;
  msPlayed: number;
  lastPlayedAt: Date | null;
}

/**
 * Counters that follow plays (user_track, user_artist, user_album) and
 * library membership (track_count), changed in the transaction that changes
 * what they count, from the rows that transaction actually wrote.
 */
@Injectable()
export class AggregatesRepository {
  /** Adds newly inserted plays to every counter. Skips count as skips, their time as time. */
  async addPlays(trx: Transaction<DB>, userId: number, inserted: readonly InsertedPlay[]) {
    const deltas = [...perTrack(inserted).values()];
    if (deltas.length === 0) return;
    const d = {
      ids: deltas.map((x) => x.userTrackId),
      plays: deltas.map((x) => x.plays),
      skips: deltas.map((x) => x.skips),
      ms: deltas.map((x) => x.msPlayed),
      last: deltas.map((x) => x.lastPlayedAt),
    };
    const deltaRows = sql`unnest(${d.ids}::bigint[], ${d.plays}::int[], ${d.skips}::int[],
      ${d.ms}::bigint[], ${d.last}::timestamptz[]) AS d(user_track_id, plays, skips, ms, last)`;
    await sql`
      UPDATE user_track ut SET
        play_count = ut.play_count + d.plays, skip_count = ut.skip_count + d.skips,
        ms_played = ut.ms_played + d.ms, last_played_at = GREATEST(ut.last_played_at, d.last),
        updated_at = now()
      FROM ${deltaRows}
      WHERE ut.user_id = ${userId} AND ut.id = d.user_track_id`.execute(trx);
    for (const { table, key } of GROUP_AGGREGATES) {
      await sql`
        INSERT INTO ${sql.table(table)} AS agg (user_id, ${sql.ref(key)}, play_count, ms_played, last_played_at)
        SELECT ${userId}, t.${sql.ref(key)}, sum(d.plays), sum(d.ms), max(d.last)
        FROM ${deltaRows}
        JOIN user_track ut ON ut.user_id = ${userId} AND ut.id = d.user_track_id
        JOIN track t ON t.id = ut.track_id
        WHERE t.${sql.ref(key)} IS NOT NULL
        GROUP BY t.${sql.ref(key)}
        ON CONFLICT (user_id, ${sql.ref(key)}) DO UPDATE SET
          play_count = agg.play_count + excluded.play_count,
          ms_played = agg.ms_played + excluded.ms_played,
          last_played_at = GREATEST(agg.last_played_at, excluded.last_played_at)`.execute(trx);
    }
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
        FROM track t WHERE t.id = ANY(${trackIds}::bigint[]) AND t.${sql.ref(key)} IS NOT NULL
        GROUP BY t.${sql.ref(key)}
        ON CONFLICT (user_id, ${sql.ref(key)}) DO UPDATE SET
          track_count = agg.track_count + excluded.track_count`.execute(trx);
    }
  }
}

/**
 * Recomputes the user's artist and album rows for the given catalog tracks'
 * artists and albums from the user's track counters: after tracks left the
 * library (their plays go with them) or a track got its album.
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
        SELECT a.key, count(ut.id)::int AS track_count, coalesce(sum(ut.play_count), 0)::int AS play_count,
          coalesce(sum(ut.ms_played), 0)::bigint AS ms_played, max(ut.last_played_at) AS last_played_at
        FROM affected a
        LEFT JOIN track t ON t.${sql.ref(key)} = a.key
        LEFT JOIN user_track ut ON ut.user_id = ${userId} AND ut.track_id = t.id
        GROUP BY a.key
      )
      INSERT INTO ${sql.table(table)} AS agg
        (user_id, ${sql.ref(key)}, track_count, play_count, ms_played, last_played_at)
      SELECT ${userId}, r.key, r.track_count, r.play_count, r.ms_played, r.last_played_at FROM recount r
      ON CONFLICT (user_id, ${sql.ref(key)}) DO UPDATE SET track_count = excluded.track_count,
        play_count = excluded.play_count, ms_played = excluded.ms_played,
        last_played_at = excluded.last_played_at`.execute(trx);
  }
}

function perTrack(inserted: readonly InsertedPlay[]): Map<number, TrackDelta> {
  const deltas = new Map<number, TrackDelta>();
  for (const play of inserted) {
    const delta = deltas.get(play.user_track_id) ?? {
      userTrackId: play.user_track_id,
      plays: 0,
      skips: 0,
      msPlayed: 0,
      lastPlayedAt: null,
    };
    delta.msPlayed += play.ms_played;
    if (play.skipped) {
      delta.skips++;
    } else {
      delta.plays++;
      if (!delta.lastPlayedAt || play.played_at > delta.lastPlayedAt)
        delta.lastPlayedAt = play.played_at;
    }
    deltas.set(play.user_track_id, delta);
  }
  return deltas;
}
