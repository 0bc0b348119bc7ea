import { Injectable } from '@nestjs/common';
import { Kysely, sql, type Transaction } from 'kysely';
import { numberArray } from '../db/array-literal.js';
import type { DB } from '../db/schema.js';
import { HistoryRepository } from '../history/history.repository.js';
import { AggregatesRepository, recomputeGroupsOf } from '../stats/aggregates.repository.js';
import { recountTagStats, tagsOfTracks } from '../stats/label-stats.js';
import { RollupsRepository } from '../stats/rollups.repository.js';
import { LibraryRepository, type TrackToAdd } from './library.repository.js';

/** How many tracks joined the library, and how many of them were not liked before. */
export interface Liked {
  added: number;
  newlyLiked: number;
}

/**
 * Tracks joining or leaving a user's library, with the artist and album
 * track counts moving in the same transaction, under the user's recording
 * lock so plays recorded meanwhile cannot slip between.
 */
@Injectable()
export class LibraryMembershipService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly library: LibraryRepository,
    private readonly history: HistoryRepository,
    private readonly aggregates: AggregatesRepository,
    private readonly rollups: RollupsRepository,
  ) {}

  /**
   * Saves tracks in the user's library as liked (Spotify's Liked Songs),
   * adding the ones missing. `syncedAt` marks them seen by that library sync
   * run (see unlikeNotSeenSince); `checkpoint` runs in the same transaction,
   * so what it records commits with the tracks. Returns how many joined the
   * library and how many were not liked before.
   */
  async like(
    userId: number,
    tracks: readonly TrackToAdd[],
    options: {
      syncedAt?: Date;
      checkpoint?: (trx: Transaction<DB>, liked: Liked) => Promise<void>;
    } = {},
  ): Promise<Liked> {
    return this.db.transaction().execute(async (trx) => {
      const liked = await this.likeIn(trx, userId, tracks, options.syncedAt);
      await options.checkpoint?.(trx, liked);
      return liked;
    });
  }

  private async likeIn(
    trx: Transaction<DB>,
    userId: number,
    tracks: readonly TrackToAdd[],
    syncedAt: Date | undefined,
  ): Promise<Liked> {
    if (tracks.length === 0) return { added: 0, newlyLiked: 0 };
    await this.history.lockForRecording(trx, userId);
    const refs = await this.library.ensureUserTracks(trx, userId, tracks, {
      syncedAt: syncedAt ?? null,
    });
    const added = refs.filter((r) => r.added).map((r) => r.trackId);
    await this.aggregates.changeTrackCounts(trx, userId, added, 1);
    const kept = refs.filter((r) => !r.added).map((r) => r.userTrackId);
    if (kept.length === 0) return { added: added.length, newlyLiked: added.length };
    const { rows } = await sql<{ was_liked: boolean }>`
      WITH before AS (
        SELECT id, liked FROM user_track
        WHERE user_id = ${userId} AND id = ANY(${numberArray(kept)}::bigint[])
      )
      UPDATE user_track ut SET liked = true, updated_at = now(),
        liked_synced_at = coalesce(${syncedAt ?? null}::timestamptz, ut.liked_synced_at)
      FROM before
      WHERE ut.user_id = ${userId} AND ut.id = before.id
      RETURNING before.liked AS was_liked`.execute(trx);
    const likedNow = rows.filter((r) => !r.was_liked).length;
    return { added: added.length, newlyLiked: added.length + likedNow };
  }

  /**
   * Un-likes the liked tracks a full library sync that started at `runStart`
   * did not see (un-liked on Spotify). They stay in the library with their
   * history: leaving Liked Songs is not forgetting a track.
   */
  async unlikeNotSeenSince(userId: number, runStart: Date): Promise<number> {
    const result = await this.db
      .updateTable('user_track')
      .set({ liked: false, updated_at: new Date() })
      .where('user_id', '=', userId)
      .where('liked', '=', true)
      .where((eb) =>
        eb.or([eb('liked_synced_at', 'is', null), eb('liked_synced_at', '<', runStart)]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Removes tracks from the user's library, their plays with them. */
  async remove(userId: number, userTrackIds: readonly number[]): Promise<{ removed: number }> {
    if (userTrackIds.length === 0) return { removed: 0 };
    return this.db.transaction().execute(async (trx) => {
      await this.history.lockForRecording(trx, userId);
      const zone = await this.rollups.zoneForRecording(trx, userId);
      const tags = await tagsOfTracks(trx, userId, userTrackIds);
      await this.history.deletePlaysOf(trx, userId, userTrackIds, zone);
      const { rows } = await sql<{ track_id: number }>`
        DELETE FROM user_track WHERE user_id = ${userId} AND id = ANY(${userTrackIds}::bigint[])
        RETURNING track_id`.execute(trx);
      await recomputeGroupsOf(
        trx,
        userId,
        rows.map((r) => r.track_id),
      );
      await recountTagStats(trx, userId, tags);
      return { removed: rows.length };
    });
  }
}
