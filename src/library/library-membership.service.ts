import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { numberArray } from '../db/array-literal.js';
import type { DB } from '../db/schema.js';
import { HistoryRepository } from '../history/history.repository.js';
import { AggregatesRepository, recomputeGroupsOf } from '../stats/aggregates.repository.js';
import { RollupsRepository } from '../stats/rollups.repository.js';
import { LibraryRepository, type TrackToAdd } from './library.repository.js';

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

  /** Saves tracks in the user's library as liked (Spotify's Liked Songs); adds the ones missing. */
  async like(userId: number, tracks: readonly TrackToAdd[]): Promise<{ added: number }> {
    if (tracks.length === 0) return { added: 0 };
    return this.db.transaction().execute(async (trx) => {
      await this.history.lockForRecording(trx, userId);
      const refs = await this.library.ensureUserTracks(trx, userId, tracks);
      const added = refs.filter((r) => r.added).map((r) => r.trackId);
      await this.aggregates.changeTrackCounts(trx, userId, added, 1);
      await trx
        .updateTable('user_track')
        .set({ liked: true, updated_at: new Date() })
        .where('user_id', '=', userId)
        .where(sql<boolean>`id = ANY(${numberArray(refs.map((r) => r.userTrackId))}::bigint[])`)
        .execute();
      return { added: added.length };
    });
  }

  /** Removes tracks from the user's library, their plays with them. */
  async remove(userId: number, userTrackIds: readonly number[]): Promise<{ removed: number }> {
    if (userTrackIds.length === 0) return { removed: 0 };
    return this.db.transaction().execute(async (trx) => {
      await this.history.lockForRecording(trx, userId);
      const zone = await this.rollups.zoneForRecording(trx, userId);
      await this.history.deletePlaysOf(trx, userId, userTrackIds, zone);
      const { rows } = await sql<{ track_id: number }>`
        DELETE FROM user_track WHERE user_id = ${userId} AND id = ANY(${userTrackIds}::bigint[])
        RETURNING track_id`.execute(trx);
      await recomputeGroupsOf(
        trx,
        userId,
        rows.map((r) => r.track_id),
      );
      return { removed: rows.length };
    });
  }
}
