import { Injectable } from '@nestjs/common';
import { sortKey } from '../db/sort-key.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { CatalogRepository, type NewSpotifyArtist } from './catalog.repository.js';
import {
  artistKey,
  metadataKey,
  nameKeyOf,
  spotifyKey,
  type ArtistRef,
  type TrackMetadata,
} from './track-metadata.js';

/** Unresolved tracks that just got their Spotify id; some also got an album. */
export interface ResolvedInPlace {
  resolved: number[];
  albumGained: number[];
}

/**
 * Turns what sources say about tracks into catalog track ids, creating what
 * is missing, a constant number of queries per batch. A Spotify id names a
 * track exactly; without one a track is matched by its primary artist and
 * name (normalised), preferring a resolved track, else kept unresolved.
 */
@Injectable()
export class CatalogService {
  constructor(private readonly catalog: CatalogRepository) {}

  /**
   * Catalog track ids, in the order of `tracks`, and the unresolved tracks
   * that just got their Spotify id (their users' sort keys and album figures
   * need a refresh: see TrackResolutionService), some gaining an album.
   */
  async resolveTracks(
    tracks: readonly TrackMetadata[],
  ): Promise<{ trackIds: number[]; resolvedInPlace: ResolvedInPlace }> {
    const distinct = new Map(distinctBy(tracks, metadataKey).map((t) => [metadataKey(t), t]));
    const found = await this.lookup([...distinct.values()]);
    const missing = [...distinct.entries()].filter(([key]) => !found.has(key)).map(([, t]) => t);
    let resolvedInPlace: ResolvedInPlace = { resolved: [], albumGained: [] };
    if (missing.length > 0) {
      const created = await this.create(missing);
      resolvedInPlace = created.resolvedInPlace;
      for (const [key, id] of created.inserted) found.set(key, id);
      // Read again: what another writer added first, twins resolved in place, and every
      // name (a resolved track created just now is preferred to an unresolved one found).
      const again = [...distinct.entries()]
        .filter(([key, t]) => !t.spotifyId || !found.has(key))
        .map(([, t]) => t);
      for (const [key, id] of await this.lookup(again)) found.set(key, id);
    }
    const trackIds = tracks.map((t) => {
      const id = found.get(metadataKey(t));
      if (id === undefined) throw new Error(`Track ${metadataKey(t)} was not created`);
      return id;
    });
    return { trackIds, resolvedInPlace };
  }

  private async lookup(tracks: TrackMetadata[]): Promise<Map<string, number>> {
    const spotifyIds = tracks.flatMap((t) => (t.spotifyId ? [t.spotifyId] : []));
    const nameKeys = tracks
      .filter((t) => !t.spotifyId)
      .map((t) => ({ artistSort: sortKey(t.artistName), trackSort: sortKey(t.trackName) }));
    const [bySpotifyId, byName] = await Promise.all([
      this.catalog.tracksBySpotifyId(spotifyIds),
      this.catalog.tracksByName(nameKeys),
    ]);
    const found = new Map<string, number>();
    for (const [spotifyId, id] of bySpotifyId) found.set(spotifyKey(spotifyId), id);
    for (const row of byName) found.set(nameKeyOf(row.artist_sort, row.track_sort), row.id);
    return found;
  }

  /**
   * Catalog artist ids by `artistKey`, creating what is missing: by Spotify
   * id where the source gives one, else by name (a resolved artist first).
   */
  async artistIds(artists: readonly ArtistRef[]): Promise<Map<string, number>> {
    const distinct = distinctBy(artists, artistKey);
    const identified = distinct.flatMap((a) =>
      a.spotifyId ? [{ spotifyId: a.spotifyId, name: a.name, sortName: sortKey(a.name) }] : [],
    );
    const named = distinct.flatMap((a) =>
      a.spotifyId ? [] : [{ name: a.name, sortName: sortKey(a.name) }],
    );
    // Spotify ids first: a name the same batch names without an id then finds the row its id claimed
    const bySpotifyId = await this.spotifyArtists(identified);
    const byName = await this.catalog.ensureArtists(named);
    return new Map(
      distinct.map((a) => [
        artistKey(a),
        (a.spotifyId ? bySpotifyId.get(a.spotifyId) : byName.get(sortKey(a.name)))!,
      ]),
    );
  }

  private async spotifyArtists(artists: NewSpotifyArtist[]): Promise<Map<string, number>> {
    try {
      return await this.catalog.ensureSpotifyArtists(artists);
    } catch (error) {
      // Another writer added one of these ids between a claim's check and its update:
      // the second try finds its row and claims nothing.
      if (!isUniqueViolation(error)) throw error;
      return this.catalog.ensureSpotifyArtists(artists);
    }
  }

  /** Creates the tracks; returns the ids of the Spotify tracks it inserted, by metadata key. */
  private async create(
    tracks: TrackMetadata[],
  ): Promise<{ resolvedInPlace: ResolvedInPlace; inserted: Map<string, number> }> {
    const primaryOf = (t: TrackMetadata): ArtistRef => ({
      name: t.artistName,
      spotifyId: t.artistSpotifyId,
    });
    const artistIds = await this.artistIds(tracks.map(primaryOf));
    const artistOf = (t: TrackMetadata) => artistIds.get(artistKey(primaryOf(t)))!;
    const albumIds = await this.catalog.ensureAlbums(
      distinctBy(
        tracks.flatMap((t) =>
          t.albumName
            ? [{ name: t.albumName, sortName: sortKey(t.albumName), artistId: artistOf(t) }]
            : [],
        ),
        (a) => `${a.artistId}:${a.sortName}`,
      ),
    );
    const newTracks = tracks.map((t) => ({
      spotifyId: t.spotifyId ?? null,
      name: t.trackName,
      sortName: sortKey(t.trackName),
      artistId: artistOf(t),
      albumId: t.albumName
        ? (albumIds.get(`${artistOf(t)}:${sortKey(t.albumName)}`) ?? null)
        : null,
      durationMs: t.durationMs ?? null,
      explicit: t.details?.explicit ?? null,
      isrc: t.details?.isrc ?? null,
      discNumber: t.details?.discNumber ?? null,
      trackNumber: t.details?.trackNumber ?? null,
    }));
    const resolvedInPlace = await this.catalog.resolveTwins(newTracks);
    const rows = await this.catalog.insertTracks(newTracks);
    // by Spotify id only: resolveTracks reads every name again
    const inserted = new Map(
      rows.flatMap((r) => (r.spotify_id ? [[spotifyKey(r.spotify_id), r.id] as const] : [])),
    );
    return { resolvedInPlace, inserted };
  }
}

/** The first item of each key: the spelling a track was first seen with wins. */
export function distinctBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const first = new Map<string, T>();
  for (const item of items) if (!first.has(key(item))) first.set(key(item), item);
  return [...first.values()];
}
