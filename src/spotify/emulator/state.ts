import { SPOTIFY_SCOPES, type SpotifyTrack } from '../spotify-api.types.js';
import { FaultDice, type FaultSettings } from './faults.js';
import { Library } from './library.js';
import { SpotifyObjects, type EmulatedUser } from './objects.js';
import { Playlists, type Playlist, type PlaylistDetails } from './playlists.js';
import { TokenStore } from './tokens.js';
import { World } from './world.js';

export interface EmulatorOptions {
  /** Tracks in the generated catalog, all saved in the user's library at start. */
  tracks: number;
  /** Seeds the generated world and the faults: the same seed gives the same emulator. */
  seed: number;
  /** Share of API and token requests that fail (0..1, default 0); see FaultSettings. */
  failRate?: number;
  /** The app's client id; undefined accepts any. */
  clientId?: string;
  /** Default 3600, as Spotify's. */
  accessTokenTtlSeconds?: number;
  /** Retry-After of a 429 (default 0.05; fractional seconds allowed). */
  retryAfterSeconds?: number;
  /** Delay of a "slow" fault (default 200). */
  slowMs?: number;
}

/** A playlist as tests see it: its items as track ids. */
export interface PlaylistView {
  id: string;
  name: string;
  description: string | null;
  public: boolean;
  collaborative: boolean;
  snapshotId: string;
  trackIds: string[];
}

/**
 * Everything the emulator knows, and the controls tests use to change it
 * behind the client's back (saves, plays, remote playlist edits, token
 * expiry, faults). The routes change it through the same methods.
 */
export class EmulatorState {
  /** The generated catalog. */
  readonly catalog: World;
  /** Builds Spotify objects from the catalog, with hrefs on the emulator's origin. */
  readonly objects: SpotifyObjects;
  readonly library: Library;
  readonly playlistStore: Playlists;
  readonly tokens: TokenStore;
  readonly faultDice: FaultDice;
  readonly clientId: string | undefined;
  /** The one emulated user, as GET /v1/me answers. */
  user: EmulatedUser;
  faults: FaultSettings;
  /** Requests received per route ("GET /v1/me/tracks", "POST /v1/playlists/:id/items"), failed ones included. */
  readonly requestCounts: Record<string, number> = {};
  private readonly lostAnswers: Record<string, number> = {};
  /** Set once the emulator listens: `http://127.0.0.1:P`. */
  url = '';

  constructor(options: EmulatorOptions) {
    this.catalog = new World(options.tracks, options.seed);
    this.objects = new SpotifyObjects(this.catalog, () => this.url);
    this.library = new Library(this.catalog, Date.now());
    this.playlistStore = new Playlists(this.catalog.randomStream(2));
    this.tokens = new TokenStore(options.accessTokenTtlSeconds ?? 3600);
    this.faultDice = new FaultDice(options.seed);
    this.clientId = options.clientId;
    this.faults = {
      failRate: options.failRate ?? 0,
      retryAfterSeconds: options.retryAfterSeconds ?? 0.05,
      slowMs: options.slowMs ?? 200,
    };
    const userId = `emulated_user_${options.seed}`;
    this.user = {
      id: userId,
      account_id: `acct${options.seed}`,
      display_name: 'Zoë Emulated',
      type: 'user',
      uri: `spotify:user:${userId}`,
      href: '',
      external_urls: { spotify: `https://open.spotify.com/user/${userId}` },
      country: 'SE',
      email: `${userId}@example.com`,
      product: 'premium',
      images: [],
      followers: { href: null, total: 0 },
    };
  }

  /** Whether a refresh hands out a new refresh token and retires the old one (default true). */
  get rotateRefreshTokens(): boolean {
    return this.tokens.rotateRefreshTokens;
  }

  set rotateRefreshTokens(rotate: boolean) {
    this.tokens.rotateRefreshTokens = rotate;
  }

  /** Every refresh token issued so far answers invalid_grant from now on. */
  revokeRefreshTokens(): void {
    this.tokens.revokeRefreshTokens();
  }

  /** Every access token issued so far answers 401 "The access token expired" from now on. */
  expireAccessTokens(): void {
    this.tokens.expireAccessTokens();
  }

  /** A valid access token without the OAuth dance (all of Spotlib's scopes by default). */
  issueAccessToken(scopes: readonly string[] = SPOTIFY_SCOPES): string {
    return this.tokens.issueAccessToken(scopes.join(' ')).access_token;
  }

  /** The saved tracks, newest first. Builds the whole list: for tests, not for 100k-track benches. */
  get savedTracks(): { trackId: string; addedAt: Date }[] {
    const saved = [];
    for (let position = 0; position < this.library.savedCount; position++) {
      const { trackIndex, addedAtMs } = this.library.savedAt(position);
      saved.push({ trackId: this.catalog.trackId(trackIndex), addedAt: new Date(addedAtMs) });
    }
    return saved;
  }

  /** Saves tracks at the top of the library, the last given the newest, one second apart from `addedAt` (default now). */
  saveTracks(trackIds: readonly string[], addedAt = new Date()): void {
    this.library.save(trackIds.map(this.trackIndexOf), addedAt.getTime());
  }

  unsaveTracks(trackIds: readonly string[]): void {
    this.library.unsave(trackIds.map(this.trackIndexOf));
  }

  /** The recently-played feed, newest first (at most 50). */
  get plays(): { trackId: string; playedAt: Date }[] {
    return this.library.plays.map((play) => ({
      trackId: this.catalog.trackId(play.trackIndex),
      playedAt: new Date(play.playedAtMs),
    }));
  }

  /** Adds plays to the feed, which keeps the newest 50. */
  addPlays(plays: readonly { trackId: string; playedAt: Date }[]): void {
    this.library.addPlays(
      plays.map((play) => ({
        trackIndex: this.trackIndexOf(play.trackId),
        playedAtMs: play.playedAt.getTime(),
      })),
    );
  }

  /** Every catalog track id, in catalog order. */
  trackIds(): string[] {
    const ids = [];
    for (let i = 0; i < this.catalog.trackCount; i++) ids.push(this.catalog.trackId(i));
    return ids;
  }

  /** The track as GET /v1/tracks/{id} answers it; undefined for an id not in the catalog. */
  catalogTrack(id: string): SpotifyTrack | undefined {
    const index = this.catalog.trackIndex(id);
    return index === undefined ? undefined : this.objects.track(index);
  }

  playlist(id: string): PlaylistView | undefined {
    const playlist = this.playlistStore.get(id);
    return playlist && this.view(playlist);
  }

  /** The user's playlists, newest first. */
  playlists(): PlaylistView[] {
    return this.playlistStore.all().map((playlist) => this.view(playlist));
  }

  /** A playlist made on Spotify (another app, the user's phone). */
  createPlaylist(
    details: PlaylistDetails & { name: string },
    trackIds: string[] = [],
  ): PlaylistView {
    const playlist = this.playlistStore.create(details);
    if (trackIds.length) this.playlistStore.add(playlist, trackIds.map(this.trackIndexOf));
    return this.view(playlist);
  }

  /** Replaces a playlist's items with `uris` (spotify:track:...) as an edit on Spotify would: a new snapshot id. */
  editPlaylistRemotely(id: string, uris: readonly string[]): PlaylistView {
    const playlist = this.playlistStore.get(id);
    if (!playlist) throw new Error(`no playlist ${id}`);
    this.playlistStore.replace(
      playlist,
      uris.map((uri) => this.trackIndexOf(uri.replace(/^spotify:track:/, ''))),
    );
    return this.view(playlist);
  }

  /**
   * The next `count` requests of `route` ("POST /v1/me/playlists") not drawn
   * for a fault lose their answer: the handler acts (or refuses), then the
   * connection drops, as when a network fails after the server acted.
   */
  loseAnswers(route: string, count = 1): void {
    this.lostAnswers[route] = (this.lostAnswers[route] ?? 0) + count;
  }

  /** Whether this request of `route` is to lose its answer (counting it down). */
  takeLostAnswer(route: string): boolean {
    const left = this.lostAnswers[route] ?? 0;
    if (left === 0) return false;
    this.lostAnswers[route] = left - 1;
    return true;
  }

  resetRequestCounts(): void {
    for (const route of Object.keys(this.requestCounts)) delete this.requestCounts[route];
  }

  private readonly trackIndexOf = (trackId: string): number => {
    const index = this.catalog.trackIndex(trackId);
    if (index === undefined) throw new Error(`no track ${trackId} in the emulator's catalog`);
    return index;
  };

  private view(playlist: Playlist): PlaylistView {
    return {
      id: playlist.id,
      name: playlist.name,
      description: playlist.description,
      public: playlist.public,
      collaborative: playlist.collaborative,
      snapshotId: playlist.snapshotId,
      trackIds: playlist.entries.map((entry) => this.catalog.trackId(entry.trackIndex)),
    };
  }
}
