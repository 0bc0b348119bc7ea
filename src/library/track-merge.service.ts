import { Injectable } from '@nestjs/common';
import { Kysely, sql, type Transaction } from 'kysely';
import { CatalogRepository } from '../catalog/catalog.repository.js';
import type { DB } from '../db/schema.js';
import { HistoryRepository } from '../history/history.repository.js';
import { PlayRecorder } from '../history/play-recorder.service.js';
import { AggregatesRepository, recomputeGroupsOf } from '../stats/aggregates.repository.js';
import { recountTagStats, tagsOfTracks } from '../stats/label-stats.js';
import { RollupsRepository } from '../stats/rollups.repository.js';
import { LibraryRepository } from './library.repository.js';

export interface MergeResult {
  users: number;
  playsMoved: number;
  duplicatesDropped: number;
}

/**
 * Merges a catalog track into another that names the same song (an
 * unresolved track into the resolved one). For each user who has it, in one
 * transaction under the user's recording lock: its plays, hot and archived,
 * are recorded again under the other track through the recording service —
 * so plays both tracks hold count once — and its library row's rating,
 * liked flag, tags and playlist entries move over. Counters are then
 * recomputed for both tracks' artists and albums.
 */
@Injectable()
export class TrackMergeService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly catalog: CatalogRepository,
    private readonly library: LibraryRepository,
    private readonly history: HistoryRepository,
    private readonly recorder: PlayRecorder,
    private readonly aggregates: AggregatesRepository,
    private readonly rollups: RollupsRepository,
  ) {}

  /** Merges the unresolved twins of these (resolved) tracks into them. */
  async mergeTwinsOf(trackIds: readonly number[]): Promise<void> {
    for (const { from, into } of await this.catalog.unresolvedTwinsOf(trackIds)) {
      await this.merge(from, into);
    }
  }

  async merge(fromTrackId: number, intoTrackId: number): Promise<MergeResult> {
    const result: MergeResult = { users: 0, playsMoved: 0, duplicatesDropped: 0 };
    const users = await this.db
      .selectFrom('user_track')
      .select('user_id')
      .where('track_id', '=', fromTrackId)
      .execute();
    for (const { user_id: userId } of users) {
      const moved = await this.db
        .transaction()
        .execute((trx) => this.mergeForUser(trx, userId, fromTrackId, intoTrackId));
      if (!moved) continue;
      result.users++;
      result.playsMoved += moved.inserted;
      result.duplicatesDropped += moved.duplicates;
    }
    await this.catalog.deleteIfUnused(fromTrackId);
    return result;
  }

  private async mergeForUser(
    trx: Transaction<DB>,
    userId: number,
    fromTrackId: number,
    intoTrackId: number,
  ) {
    await this.history.lockForRecording(trx, userId);
    const from = await trx
      .selectFrom('user_track')
      .select(['id', 'added_at', 'liked', 'rating'])
      .where('user_id', '=', userId)
      .where('track_id', '=', fromTrackId)
      .executeTakeFirst();
    if (!from) return undefined; // merged meanwhile
    const [into] = await this.library.ensureUserTracks(trx, userId, [
      { trackId: intoTrackId, addedAt: from.added_at },
    ]);
    if (into!.added) await this.aggregates.changeTrackCounts(trx, userId, [intoTrackId], 1);
    const zone = await this.rollups.zoneForRecording(trx, userId);
    const plays = await this.history.takePlays(trx, userId, from.id, zone);
    const recorded = await this.recorder.recordWithin(
      trx,
      userId,
      plays.map((play) => ({
        trackId: intoTrackId,
        playedAt: play.played_at,
        msPlayed: play.ms_played,
        source: play.source,
        skipped: play.skipped,
        reasonStart: play.reason_start,
        reasonEnd: play.reason_end,
      })),
    );
    await this.moveLibraryRow(trx, userId, from, into!.userTrackId);
    await recomputeGroupsOf(trx, userId, [fromTrackId, intoTrackId]);
    await recountTagStats(trx, userId, await tagsOfTracks(trx, userId, [into!.userTrackId]));
    return recorded;
  }

  /** The surviving row keeps its own rating if it has one; tags and playlist entries join it. */
  private async moveLibraryRow(
    trx: Transaction<DB>,
    userId: number,
    from: { id: number; added_at: Date; liked: boolean; rating: number | null },
    intoId: number,
  ): Promise<void> {
    await sql`
      UPDATE user_track SET added_at = least(added_at, ${from.added_at}::timestamptz),
        liked = liked OR ${from.liked}, rating = coalesce(rating, ${from.rating}::smallint),
        updated_at = now()
      WHERE user_id = ${userId} AND id = ${intoId}`.execute(trx);
    await sql`
      INSERT INTO track_tag (user_id, user_track_id, tag_id)
      SELECT user_id, ${intoId}, tag_id FROM track_tag WHERE user_id = ${userId} AND user_track_id = ${from.id}
      ON CONFLICT DO NOTHING`.execute(trx);
    await sql`UPDATE playlist_track SET user_track_id = ${intoId}
      WHERE user_id = ${userId} AND user_track_id = ${from.id}`.execute(trx);
    // Its plays were taken; what still hangs on it (smart playlist rows) goes with it.
    await sql`DELETE FROM user_track WHERE user_id = ${userId} AND id = ${from.id}`.execute(trx);
  }
}
