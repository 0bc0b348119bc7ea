import { Injectable } from '@nestjs/common';
import { awaitedLater } from '../../common/async.js';
import type { SpotifyApi } from '../spotify-api.client.js';
import type { SpotifyArtist } from '../spotify-api.types.js';
import { SpotifyCatalogRepository, type ArtistDetails } from '../spotify-catalog.repository.js';
import { SpotifyApiError } from '../spotify-errors.js';
import { syncRunning } from './library-sync.service.js';
import { coverOf } from './spotify-track-importer.service.js';
import { SyncStateRepository } from './sync-state.repository.js';

/** Artists read per round: fetched one id at a time (2026), in parallel up to the client's cap. */
const BATCH = 50;
/** Details are shared by every user and change rarely: read again after this long. */
const STALE_DAYS = 30;

/**
 * Genres (source "spotify") and images of the user's artists. The catalog
 * keeps when each artist was last read, which is the cache: an artist read
 * for one user is not read again for the next.
 */
@Injectable()
export class ArtistDetailsService {
  constructor(
    private readonly states: SyncStateRepository,
    private readonly catalog: SpotifyCatalogRepository,
  ) {}

  /**
   * Returns how many artists were read. A round's details are fetched while
   * the round before is written (it reads the artists after that round's).
   */
  async describe(userId: number, api: SpotifyApi): Promise<number> {
    if (!(await this.states.claim(userId, 'artists'))) throw syncRunning('artists');
    let done = 0;
    try {
      let round = awaitedLater(this.fetchRound(userId, api, 0));
      for (;;) {
        const details = await round;
        if (details.length === 0) break;
        round = awaitedLater(this.fetchRound(userId, api, details.at(-1)!.artistId));
        await this.catalog.applyArtistDetails(details);
        done += details.length;
        await this.states.progress(userId, 'artists', { checkpoint: null, done, total: null });
      }
      await this.states.complete(userId, 'artists');
      return done;
    } catch (error) {
      await this.states.fail(userId, 'artists', String(error));
      throw error;
    }
  }

  /** The details of the next artists to read after the artist id `after`, in id order. */
  private async fetchRound(userId: number, api: SpotifyApi, after: number) {
    const artists = await this.catalog.artistsToDescribe(userId, STALE_DAYS, after, BATCH);
    return Promise.all(
      artists.map(async (a) => detailsOf(a.id, await artistOrMissing(api, a.spotify_id))),
    );
  }
}

async function artistOrMissing(api: SpotifyApi, spotifyId: string): Promise<SpotifyArtist | null> {
  try {
    return await api.artist(spotifyId);
  } catch (error) {
    if (error instanceof SpotifyApiError && error.status === 404) return null;
    throw error;
  }
}

function detailsOf(artistId: number, artist: SpotifyArtist | null): ArtistDetails {
  if (!artist) return { artistId, imageUrl: null, genres: null };
  // Spotify deprecated artist genres: an empty list more likely means "no longer sent"
  // than "has none", so it keeps the genres already known.
  const genres = artist.genres.length > 0 ? artist.genres : null;
  return { artistId, imageUrl: coverOf(artist.images), genres };
}
