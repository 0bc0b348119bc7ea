import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type {
  SpotifyArtist,
  SpotifyCursorPaging,
  SpotifyPaging,
  SpotifyPlayHistory,
  SpotifySavedTrack,
  SpotifySearchResult,
  SpotifySimplifiedPlaylist,
  SpotifySnapshot,
} from './spotify-api.types.js';
import { SpotifyAuthService } from './spotify-auth.service.js';
import { SpotifyHttp, type AccessTokenSource, type SpotifyApiRequest } from './spotify-http.js';

/** Spotify's page size limit for the library, recent plays and playlist items. */
export const PAGE_LIMIT = 50;
/** Spotify takes at most this many items per playlist write. */
export const PLAYLIST_WRITE_LIMIT = 100;

/** The Web API calls Spotlib makes, typed, for one user. */
export class SpotifyApi {
  constructor(
    private readonly http: SpotifyHttp,
    private readonly baseUrl: string,
    private readonly auth: AccessTokenSource,
  ) {}

  savedTracks(offset: number): Promise<SpotifyPaging<SpotifySavedTrack>> {
    return this.get('/me/tracks', { offset, limit: PAGE_LIMIT });
  }

  /** Saved-track pages from `offset` on, following Spotify's `next` links; stop by breaking. */
  savedTrackPages(offset: number): AsyncGenerator<SpotifyPaging<SpotifySavedTrack>> {
    return this.http.pages<SpotifySavedTrack>({
      url: `${this.baseUrl}/me/tracks`,
      query: { offset, limit: PAGE_LIMIT },
      auth: this.auth,
    });
  }

  /** Plays after `after` (Unix ms), newest first: Spotify keeps only the last 50. */
  recentlyPlayed(after: number | undefined): Promise<SpotifyCursorPaging<SpotifyPlayHistory>> {
    return this.get('/me/player/recently-played', { limit: PAGE_LIMIT, after });
  }

  /** One artist: development-mode apps lost the batch lookup in 2026. */
  artist(id: string): Promise<SpotifyArtist> {
    return this.get(`/artists/${encodeURIComponent(id)}`);
  }

  searchTracks(artistName: string, trackName: string): Promise<SpotifySearchResult> {
    const q = `artist:"${unquote(artistName)}" track:"${unquote(trackName)}"`;
    return this.get('/search', { q, type: 'track', limit: 5 });
  }

  playlist(id: string): Promise<SpotifySimplifiedPlaylist> {
    return this.get(`/playlists/${encodeURIComponent(id)}`, {
      fields: 'id,snapshot_id,items(total)',
    });
  }

  /**
   * Not sent twice: Spotify takes no idempotency key, so a create whose answer
   * was lost throws SpotifyUnavailableError and may have made the playlist.
   */
  createPlaylist(body: { name: string; description: string }): Promise<SpotifySimplifiedPlaylist> {
    return this.send('POST', '/me/playlists', { ...body, public: false }, { resend: false });
  }

  /** The user's playlists (owned and followed), page by page; stop by breaking. */
  playlistPages(): AsyncGenerator<SpotifyPaging<SpotifySimplifiedPlaylist>> {
    return this.http.pages<SpotifySimplifiedPlaylist>({
      url: `${this.baseUrl}/me/playlists`,
      query: { limit: PAGE_LIMIT },
      auth: this.auth,
    });
  }

  /** Replaces every item (up to 100; more follow with addItems). */
  replaceItems(playlistId: string, uris: string[]): Promise<SpotifySnapshot> {
    return this.send('PUT', `/playlists/${encodeURIComponent(playlistId)}/items`, { uris });
  }

  addItems(playlistId: string, uris: string[]): Promise<SpotifySnapshot> {
    return this.send('POST', `/playlists/${encodeURIComponent(playlistId)}/items`, { uris });
  }

  private get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return this.http.api<T>({ url: `${this.baseUrl}${path}`, query, auth: this.auth });
  }

  private send<T>(
    method: 'POST' | 'PUT',
    path: string,
    body: object,
    options: Pick<SpotifyApiRequest, 'resend'> = {},
  ): Promise<T> {
    return this.http.api<T>({
      method,
      url: `${this.baseUrl}${path}`,
      body,
      auth: this.auth,
      ...options,
    });
  }
}

/** Makes a user's SpotifyApi over the one HTTP layer (its concurrency cap is shared). */
@Injectable()
export class SpotifyApiFactory {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly http: SpotifyHttp,
    private readonly auth: SpotifyAuthService,
  ) {}

  forUser(userId: number): SpotifyApi {
    return new SpotifyApi(this.http, this.config.spotify.apiUrl, this.auth.tokenSource(userId));
  }
}

/** Field filters are quoted; a quote inside a name would end the filter early. */
const unquote = (text: string) => text.replaceAll('"', ' ');

export const trackUri = (spotifyId: string) => `spotify:track:${spotifyId}`;
