import { Injectable } from '@nestjs/common';
import { CatalogService } from '../../catalog/catalog.service.js';
import { artistKey, type TrackMetadata } from '../../catalog/track-metadata.js';
import { TrackResolutionService } from '../../library/track-resolution.service.js';
import type { SpotifyImage, SpotifyTrack } from '../spotify-api.types.js';
import { SpotifyCatalogRepository } from '../spotify-catalog.repository.js';

/**
 * Spotify tracks into the shared catalog, a batch at a time: through the
 * resolution every source uses (so an unresolved imported twin is merged),
 * then with what only the API tells — every credited artist and its Spotify
 * id, album art and id, ISRC. Returns catalog track ids in input order.
 */
@Injectable()
export class SpotifyTrackImporter {
  constructor(
    private readonly resolution: TrackResolutionService,
    private readonly catalog: CatalogService,
    private readonly spotifyCatalog: SpotifyCatalogRepository,
  ) {}

  async importTracks(tracks: readonly TrackFacts[]): Promise<number[]> {
    if (tracks.length === 0) return [];
    const trackIds = await this.resolution.resolve(tracks.map(toMetadata));
    const artistIds = await this.catalog.artistIds(
      tracks.flatMap((t) => t.artists.map((a) => ({ name: a.name, spotifyId: a.id }))),
    );
    await this.spotifyCatalog.applyTrackDetails(
      tracks.map((t, i) => ({
        trackId: trackIds[i]!,
        artists: t.artists.map((a) => artistIds.get(artistKey({ name: a.name, spotifyId: a.id }))!),
        album: {
          spotifyId: t.album.id,
          imageUrl: coverOf(t.album.images),
          releaseDate: t.album.release_date || null,
        },
        explicit: t.explicit,
        isrc: t.external_ids.isrc ?? null,
        discNumber: t.disc_number,
        trackNumber: t.track_number,
      })),
    );
    return trackIds;
  }
}

/** What every source says about a track, from Spotify's full description. */
export function toMetadata(track: TrackFacts): TrackMetadata {
  return {
    spotifyId: track.id,
    artistName: track.artists[0]?.name ?? 'Unknown artist',
    artistSpotifyId: track.artists[0]?.id,
    trackName: track.name,
    albumName: track.album.name || undefined,
    durationMs: track.duration_ms,
    details: {
      explicit: track.explicit,
      isrc: track.external_ids.isrc ?? null,
      discNumber: track.disc_number,
      trackNumber: track.track_number,
    },
  };
}

/** A track Spotify can name (a local file in a library has no id). */
export const isCatalogTrack = <T extends TrackFacts>(track: T | null | undefined): track is T =>
  !!track && !track.is_local && !!track.id && track.artists.length > 0;

/** What Spotlib keeps of a Spotify track: a page's objects carry much more (markets, urls). */
export interface TrackFacts {
  id: string;
  name: string;
  duration_ms: number;
  explicit: boolean;
  disc_number: number;
  track_number: number;
  is_local: boolean;
  external_ids: { isrc?: string | undefined };
  artists: { id: string; name: string }[];
  album: { id: string; name: string; release_date: string; images: SpotifyImage[] };
}

/** A copy of only the facts, so a page's full objects can be collected at once. */
export function factsOf(track: SpotifyTrack): TrackFacts {
  const { album } = track;
  const cover = coverImage(album.images);
  return {
    id: track.id,
    name: track.name,
    duration_ms: track.duration_ms,
    explicit: track.explicit,
    disc_number: track.disc_number,
    track_number: track.track_number,
    is_local: track.is_local,
    external_ids: { isrc: track.external_ids.isrc },
    artists: track.artists.map((a) => ({ id: a.id, name: a.name })),
    album: {
      id: album.id,
      name: album.name,
      release_date: album.release_date,
      // the one image the catalog keeps: a full sync holds windows of thousands of these
      images: cover ? [cover] : [],
    },
  };
}

/** The image closest to 300 px: sharp in a list, small to load (Spotify sends 640, 300, 64). */
export function coverOf(images: readonly SpotifyImage[]): string | null {
  return coverImage(images)?.url ?? null;
}

function coverImage(images: readonly SpotifyImage[]): SpotifyImage | undefined {
  const distance = (i: SpotifyImage) => Math.abs((i.width ?? 300) - 300);
  return [...images].sort((a, b) => distance(a) - distance(b))[0];
}
