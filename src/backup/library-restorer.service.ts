import { Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import { CatalogService } from '../catalog/catalog.service.js';
import { artistKey, type TrackMetadata } from '../catalog/track-metadata.js';
import type { DB } from '../db/schema.js';
import { nameKey } from '../db/sort-key.js';
import { HistoryRepository } from '../history/history.repository.js';
import { LibraryRepository } from '../library/library.repository.js';
import { TrackResolutionService } from '../library/track-resolution.service.js';
import { AggregatesRepository } from '../stats/aggregates.repository.js';
import type { RecordOf } from './archive-format.js';
import { BackupCatalogRepository } from './backup-catalog.repository.js';
import { BackupRestoreRepository, type LibraryState } from './backup-restore.repository.js';
import type { RestoreKeys } from './restore-keys.js';

const ARTIST_BATCH = 1_000;

/**
 * Restores a user's library: tags, then tracks batch by batch — named
 * through the catalog resolution every source uses (a Spotify id, else
 * artist and title), the archive's details filling the catalog's gaps — and
 * the user's tracks with their added date, like, rating and tags, the
 * artist and album track counts moving in the same transaction under the
 * user's recording lock, as LibraryMembershipService moves them.
 */
@Injectable()
export class LibraryRestorer {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly resolution: TrackResolutionService,
    private readonly catalog: CatalogService,
    private readonly catalogFill: BackupCatalogRepository,
    private readonly library: LibraryRepository,
    private readonly history: HistoryRepository,
    private readonly aggregates: AggregatesRepository,
    private readonly restore: BackupRestoreRepository,
  ) {}

  async tags(userId: number, keys: RestoreKeys, tags: readonly RecordOf<'tag'>[]): Promise<void> {
    const ids = await this.restore.insertTags(userId, tags);
    for (const tag of tags) keys.tags.set(tag.key, ids.get(nameKey(tag.name))!);
  }

  async tracks(userId: number, keys: RestoreKeys, tracks: readonly RecordOf<'track'>[]) {
    const trackIds = await this.resolution.resolve(tracks.map((t) => metadataOf(t, keys)));
    await this.mapArtists(
      keys,
      tracks.flatMap((t) => t.artists),
    );
    await this.catalogFill.fillTracks(
      tracks.map((t, i) => ({
        trackId: trackIds[i]!,
        artistIds: t.artists.map((a) => keys.artists.get(a)!),
        explicit: t.explicit,
        isrc: t.isrc,
        discNumber: t.discNumber,
        trackNumber: t.trackNumber,
        album: t.album === null ? null : keys.albumFact(t.album),
      })),
    );
    const userTrackIds = await this.addToLibrary(userId, keys, tracks, trackIds);
    tracks.forEach((t, i) => keys.tracks.set(t.key, userTrackIds[i]!));
  }

  /**
   * The artists' own facts (Spotify id, image, genres), once every track is
   * in: the catalog ids they map to are known by then.
   */
  async fillArtists(keys: RestoreKeys): Promise<void> {
    keys.artistsFilled = true;
    const byId = new Map<number, RecordOf<'artist'>>();
    for (const [key, artistId] of keys.artists) {
      if (!byId.has(artistId)) byId.set(artistId, keys.artistFact(key));
    }
    const artists = [...byId].map(([artistId, a]) => ({
      artistId,
      imageUrl: a.imageUrl,
      genres: a.genres,
    }));
    for (let i = 0; i < artists.length; i += ARTIST_BATCH) {
      await this.catalogFill.fillArtists(artists.slice(i, i + ARTIST_BATCH));
    }
  }

  /** The user's own genre edits (an artist credited on no track of theirs is created by name). */
  async userGenres(userId: number, keys: RestoreKeys, edits: readonly RecordOf<'artistGenre'>[]) {
    const unmapped = edits.map((e) => e.artist).filter((a) => !keys.artists.has(a));
    await this.mapArtists(keys, unmapped);
    await this.restore.insertUserGenres(
      userId,
      edits.map((e) => ({
        artistId: keys.artists.get(e.artist)!,
        genre: e.genre,
        assigned: e.assigned,
      })),
    );
  }

  /** Catalog artist ids for archive artist keys, by Spotify id or name as every source finds them. */
  private async mapArtists(keys: RestoreKeys, artistKeys: readonly number[]): Promise<void> {
    const ids = await this.catalog.artistIds(artistKeys.map((key) => keys.artistFact(key)));
    for (const key of artistKeys) {
      keys.artists.set(key, ids.get(artistKey(keys.artistFact(key)))!);
    }
  }

  /** The user tracks of these catalog tracks, created as needed; their ids in input order. */
  private async addToLibrary(
    userId: number,
    keys: RestoreKeys,
    tracks: readonly RecordOf<'track'>[],
    trackIds: readonly number[],
  ): Promise<number[]> {
    const firstAdded = new Map<number, Date>();
    trackIds.forEach((trackId, i) => {
      const added = tracks[i]!.addedAt;
      const seen = firstAdded.get(trackId);
      if (!seen || added < seen) firstAdded.set(trackId, added);
    });
    return this.db.transaction().execute(async (trx) => {
      await this.history.lockForRecording(trx, userId);
      const refs = await this.library.ensureUserTracks(
        trx,
        userId,
        [...firstAdded].map(([trackId, addedAt]) => ({ trackId, addedAt })),
      );
      await this.aggregates.changeTrackCounts(
        trx,
        userId,
        refs.filter((r) => r.added).map((r) => r.trackId),
        1,
      );
      const idOf = new Map(refs.map((r) => [r.trackId, r.userTrackId]));
      const userTrackIds = trackIds.map((trackId) => idOf.get(trackId)!);
      await this.restore.setLibraryState(trx, userId, libraryStates(tracks, userTrackIds));
      await this.restore.tagTracks(
        trx,
        userId,
        tracks.flatMap((t, i) =>
          t.tags.map((tag) => ({ userTrackId: userTrackIds[i]!, tagId: keys.tags.get(tag)! })),
        ),
      );
      return userTrackIds;
    });
  }
}

/** What the resolution needs to find or create a track; Spotify's details when all are known. */
function metadataOf(track: RecordOf<'track'>, keys: RestoreKeys): TrackMetadata {
  const { explicit, discNumber, trackNumber } = track;
  return {
    spotifyId: track.spotifyId ?? undefined,
    artistName: keys.artistFact(track.artists[0]!).name,
    artistSpotifyId: keys.artistFact(track.artists[0]!).spotifyId ?? undefined,
    trackName: track.name,
    albumName: track.album === null ? undefined : keys.albumFact(track.album).name,
    durationMs: track.durationMs ?? undefined,
    ...(explicit !== null && discNumber !== null && trackNumber !== null
      ? { details: { explicit, isrc: track.isrc, discNumber, trackNumber } }
      : {}),
  };
}

/** One state per user track: twins that resolve to one track are liked if either was, rated by the first rating. */
function libraryStates(
  tracks: readonly RecordOf<'track'>[],
  userTrackIds: readonly number[],
): LibraryState[] {
  const states = new Map<number, LibraryState>();
  tracks.forEach((t, i) => {
    const userTrackId = userTrackIds[i]!;
    const rating = t.rating === null ? null : t.rating * 2;
    const seen = states.get(userTrackId);
    if (!seen) states.set(userTrackId, { userTrackId, liked: t.liked, rating });
    else
      states.set(userTrackId, {
        userTrackId,
        liked: seen.liked || t.liked,
        rating: seen.rating ?? rating,
      });
  });
  return [...states.values()];
}
