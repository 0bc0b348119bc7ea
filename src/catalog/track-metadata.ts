import { sortKey } from '../db/sort-key.js';

/** What a source tells about a track; a Spotify id when it has one. */
export interface TrackMetadata {
  spotifyId?: string | undefined;
  artistName: string;
  /** the primary artist's Spotify id, when the source knows it (Spotify's API, a backup) */
  artistSpotifyId?: string | undefined;
  trackName: string;
  albumName?: string | undefined;
  durationMs?: number | undefined;
  /** what only Spotify's API tells (absent from exports and scrobbles) */
  details?: { explicit: boolean; isrc: string | null; discNumber: number; trackNumber: number };
}

/** Two metadata with the same key stand for the same catalog track. */
export function metadataKey(track: TrackMetadata): string {
  return track.spotifyId
    ? spotifyKey(track.spotifyId)
    : nameKeyOf(sortKey(track.artistName), sortKey(track.trackName));
}

export const spotifyKey = (spotifyId: string) => `spotify:${spotifyId}`;
/** From sort keys already normalised (as the catalog stores them). */
export const nameKeyOf = (artistSort: string, trackSort: string) =>
  `name:${artistSort}\u001f${trackSort}`;

/** An artist as a source names it: Spotify's id tells namesakes apart; without one, the name. */
export interface ArtistRef {
  name: string;
  spotifyId?: string | null | undefined;
}

/** Two refs with the same key stand for the same catalog artist. */
export const artistKey = (artist: ArtistRef): string =>
  artist.spotifyId ? spotifyKey(artist.spotifyId) : `name:${sortKey(artist.name)}`;
