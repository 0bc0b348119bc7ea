import { Injectable } from '@nestjs/common';
import { Kysely, sql, type Transaction } from 'kysely';
import { numberArray } from '../db/array-literal.js';
import { fromEpochMs } from '../db/epoch-ms.js';
import { idsNotOwned } from '../db/owned-ids.js';
import type { DB } from '../db/schema.js';

export interface TrackToAdd {
  trackId: number;
  /** when the user saved it, or first played it */
  addedAt: Date;
}

export interface UserTrackRef {
  trackId: number;
  userTrackId: number;
  /** false when the user already had it */
  added: boolean;
}

/** Library membership: which catalog tracks a user has (user_track rows). */
@Injectable()
export class LibraryRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The user's tracks that have no Spotify id yet (known by name only). */
  async countUnresolved(userId: number): Promise<number> {
    const row = await this.db
      .selectFrom('user_track')
      .innerJoin('track', 'track.id', 'user_track.track_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_track.user_id', '=', userId)
      .where('track.spotify_id', 'is', null)
      .executeTakeFirstOrThrow();
    return row.n;
  }

  /** The user's liked tracks (Spotify's Liked Songs). */
  async countLiked(userId: number): Promise<number> {
    const row = await this.db
      .selectFrom('user_track')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('liked', '=', true)
      .executeTakeFirstOrThrow();
    return row.n;
  }

  /** Which of these user track ids the user does not have. */
  async missingTracks(userId: number, ids: readonly number[]): Promise<number[]> {
    return idsNotOwned(this.db, 'user_track', userId, ids);
  }

  /** Sets a rating in half stars (or clears it); false when the user has no such track. */
  async setRating(userId: number, userTrackId: number, halfStars: number | null): Promise<boolean> {
    const result = await this.db
      .updateTable('user_track')
      .set({ rating: halfStars, updated_at: new Date() })
      .where('user_id', '=', userId)
      .where('id', '=', userTrackId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * Adds the tracks the user does not have yet, with their sort keys copied
   * from the catalog and their play counters at zero; a track the user has keeps it, its added_at moving
   * earlier if this one is (an older play imported later). `tracks` holds
   * each track once. `liked`: the rows added are liked (seen by that library
   * sync run, if any), so they are not written twice.
   */
  async ensureUserTracks(
    trx: Transaction<DB>,
    userId: number,
    tracks: readonly TrackToAdd[],
    liked?: { syncedAt: Date | null },
  ): Promise<UserTrackRef[]> {
    if (tracks.length === 0) return [];
    // Rows the user already has are read, and rewritten only when added_at moves
    // earlier: sent through ON CONFLICT they would each be locked, a write (an
    // import's chunks name mostly tracks its earlier chunks added). The insert
    // keeps ON CONFLICT for a row another writer added since the snapshot.
    const { rows } = await sql<{ track_id: number; id: number; added: boolean }>`
      WITH input AS (
        SELECT n.track_id, ${fromEpochMs('n.added_ms')} AS added_at
        FROM unnest(${numberArray(tracks.map((t) => t.trackId))}::bigint[],
          ${numberArray(tracks.map((t) => t.addedAt.getTime()))}::bigint[]) AS n(track_id, added_ms)
      ), known AS MATERIALIZED (
        SELECT ut.track_id, ut.id FROM input n
        JOIN user_track ut ON ut.user_id = ${userId} AND ut.track_id = n.track_id
      ), moved AS (
        UPDATE user_track ut SET added_at = n.added_at FROM input n
        WHERE ut.user_id = ${userId} AND ut.track_id = n.track_id AND n.added_at < ut.added_at
      ), written AS (
        INSERT INTO user_track (user_id, track_id, added_at, title_sort, artist_sort, album_sort, duration_ms,
          liked, liked_synced_at)
        SELECT ${userId}, t.id, n.added_at, t.sort_name, a.sort_name, al.sort_name, t.duration_ms,
          ${liked !== undefined}, ${liked?.syncedAt ?? null}::timestamptz
        FROM input n
        JOIN track t ON t.id = n.track_id
        JOIN artist a ON a.id = t.artist_id
        LEFT JOIN album al ON al.id = t.album_id
        WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.track_id = n.track_id)
        ORDER BY t.id
        ON CONFLICT (user_id, track_id) DO UPDATE SET added_at = excluded.added_at
          WHERE excluded.added_at < user_track.added_at
        RETURNING track_id, id, (xmax = 0) AS added
      ), counters AS (
        INSERT INTO user_track_stats (user_id, user_track_id)
        SELECT ${userId}, id FROM written WHERE added
      )
      SELECT track_id, id, added FROM written
      UNION ALL
      SELECT track_id, id, false FROM known`.execute(trx);
    return rows.map((r) => ({ trackId: r.track_id, userTrackId: r.id, added: r.added }));
  }
}
