import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { CatalogService, type ResolvedInPlace } from '../catalog/catalog.service.js';
import type { TrackMetadata } from '../catalog/track-metadata.js';
import { numberArray } from '../db/array-literal.js';
import type { DB } from '../db/schema.js';
import { HistoryRepository } from '../history/history.repository.js';
import { recomputeGroupsOf } from '../stats/aggregates.repository.js';
import { RollupsRepository } from '../stats/rollups.repository.js';
import { TrackMergeService } from './track-merge.service.js';

/**
 * Catalog track ids for what sources say, for every writer of plays or
 * libraries. When a track known by name only gets its Spotify id (a library
 * file or a scrobbler names it), the track is resolved in place; each user
 * who has it gets its new album sort key and album figures, under the
 * user's recording lock. An unresolved track that turns out to name a
 * resolved one is merged into it.
 */
@Injectable()
export class TrackResolutionService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly catalog: CatalogService,
    private readonly history: HistoryRepository,
    private readonly merger: TrackMergeService,
    private readonly rollups: RollupsRepository,
  ) {}

  async resolve(tracks: readonly TrackMetadata[]): Promise<number[]> {
    const { trackIds, resolvedInPlace } = await this.catalog.resolveTracks(tracks);
    if (resolvedInPlace.resolved.length > 0) await this.refreshUsersOf(resolvedInPlace);
    const named = trackIds.filter((_, i) => tracks[i]!.spotifyId);
    await this.merger.mergeTwinsOf([...new Set(named)]);
    return trackIds;
  }

  private async refreshUsersOf({
    resolved: trackIds,
    albumGained,
  }: ResolvedInPlace): Promise<void> {
    const users = await this.db
      .selectFrom('user_track')
      .select('user_id')
      .distinct()
      .where(sql<boolean>`track_id = ANY(${numberArray(trackIds)}::bigint[])`)
      .execute();
    for (const { user_id: userId } of users) {
      await this.db.transaction().execute(async (trx) => {
        await this.history.lockForRecording(trx, userId);
        await sql`
          UPDATE user_track ut SET album_sort = al.sort_name, duration_ms = t.duration_ms, updated_at = now()
          FROM track t LEFT JOIN album al ON al.id = t.album_id
          WHERE ut.user_id = ${userId} AND ut.track_id = ANY(${trackIds}::bigint[]) AND t.id = ut.track_id`.execute(
          trx,
        );
        await recomputeGroupsOf(trx, userId, trackIds);
        // their plays counted for no album until now
        const zone = await this.rollups.zoneForRecording(trx, userId);
        await this.rollups.recountAlbumMonths(trx, userId, albumGained, zone);
      });
    }
  }
}
