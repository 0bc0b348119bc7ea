/**
 * The parts of Spotify's Web API objects Spotlib reads or writes, named as
 * in its OpenAPI description (../shared/fixtures/spotify-web-api.openapi.yml).
 * The emulator answers in these shapes; the client reads them.
 */

export interface SpotifyImage {
  url: string;
  height: number | null;
  width: number | null;
}

export interface SpotifyExternalUrls {
  spotify: string;
}

export interface SpotifySimplifiedArtist {
  id: string;
  name: string;
  type: 'artist';
  uri: string;
  href: string;
  external_urls: SpotifyExternalUrls;
}

export interface SpotifyArtist extends SpotifySimplifiedArtist {
  /** Deprecated by Spotify and may come back empty. */
  genres: string[];
  images: SpotifyImage[];
  popularity: number;
  followers: { href: null; total: number };
}

export interface SpotifySimplifiedAlbum {
  id: string;
  name: string;
  type: 'album';
  uri: string;
  href: string;
  external_urls: SpotifyExternalUrls;
  album_type: 'album' | 'single' | 'compilation';
  total_tracks: number;
  release_date: string;
  release_date_precision: 'year' | 'month' | 'day';
  images: SpotifyImage[];
  artists: SpotifySimplifiedArtist[];
  available_markets: string[];
}

export interface SpotifyAlbum extends SpotifySimplifiedAlbum {
  tracks: SpotifyPaging<Omit<SpotifyTrack, 'album' | 'external_ids' | 'popularity'>>;
  genres: string[];
  label: string;
  popularity: number;
  copyrights: { text: string; type: string }[];
  external_ids: { upc?: string };
}

export interface SpotifyTrack {
  id: string;
  name: string;
  type: 'track';
  uri: string;
  href: string;
  external_urls: SpotifyExternalUrls;
  duration_ms: number;
  explicit: boolean;
  disc_number: number;
  track_number: number;
  is_local: boolean;
  popularity: number;
  preview_url: string | null;
  available_markets: string[];
  external_ids: { isrc?: string };
  artists: SpotifySimplifiedArtist[];
  album: SpotifySimplifiedAlbum;
}

/** Offset paging: `next` is the URL of the next page, null on the last. */
export interface SpotifyPaging<T> {
  href: string;
  items: T[];
  limit: number;
  next: string | null;
  offset: number;
  previous: string | null;
  total: number;
}

/** Cursor paging (recently played): `cursors.after`/`before` are Unix ms as strings. */
export interface SpotifyCursorPaging<T> {
  href: string;
  items: T[];
  limit: number;
  next: string | null;
  cursors: { after?: string; before?: string } | null;
  total?: number;
}

export interface SpotifySavedTrack {
  added_at: string;
  track: SpotifyTrack;
}

export interface SpotifyContext {
  type: string;
  uri: string;
  href: string;
  external_urls: SpotifyExternalUrls;
}

export interface SpotifyPlayHistory {
  track: SpotifyTrack;
  /** Treated as the play's end time (DESIGN.md). */
  played_at: string;
  context: SpotifyContext | null;
}

export interface SpotifyPlaylistOwner {
  id: string;
  display_name: string | null;
  type: 'user';
  uri: string;
  href: string;
  external_urls: SpotifyExternalUrls;
}

/** The current user (/me): the owner fields and the private ones. */
export interface SpotifyUser extends SpotifyPlaylistOwner {
  country?: string;
  email?: string;
  product?: string;
  images?: SpotifyImage[];
  followers?: { href: null; total: number };
}

export interface SpotifySimplifiedPlaylist {
  id: string;
  name: string;
  description: string | null;
  type: 'playlist';
  uri: string;
  href: string;
  external_urls: SpotifyExternalUrls;
  collaborative: boolean;
  public: boolean | null;
  snapshot_id: string;
  images: SpotifyImage[];
  owner: SpotifyPlaylistOwner;
  /** Reference to the playlist's items (`href` and `total`). */
  items: { href: string; total: number };
}

export interface SpotifyPlaylistItem {
  added_at: string | null;
  added_by: {
    id: string;
    type: 'user';
    uri: string;
    href: string;
    external_urls: SpotifyExternalUrls;
  } | null;
  is_local: boolean;
  /** Null when the item is no longer available. */
  item: SpotifyTrack | null;
}

export interface SpotifySnapshot {
  snapshot_id: string;
}

export interface SpotifySearchResult {
  tracks: SpotifyPaging<SpotifyTrack>;
}

/** The accounts service's answer to a code exchange or a refresh. */
export interface SpotifyTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  /** Present on a code exchange; on a refresh only when Spotify rotates it. */
  refresh_token?: string;
}

/** The Web API's error body; `reason` is e.g. "QUOTA_EXCEEDED". */
export interface SpotifyErrorBody {
  error: { status: number; message: string; reason?: string };
}

/** The accounts service's error body (RFC 6749), e.g. `invalid_grant`. */
export interface SpotifyOAuthErrorBody {
  error: string;
  error_description?: string;
}

/** The scopes Spotlib asks for: read the library and plays, write playlists. */
export const SPOTIFY_SCOPES = [
  'user-read-private',
  'user-library-read',
  'user-read-recently-played',
  'playlist-read-private',
  'playlist-modify-private',
  'playlist-modify-public',
] as const;
