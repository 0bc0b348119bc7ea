import type {
  SpotifyAlbum,
  SpotifyArtist,
  SpotifyContext,
  SpotifyImage,
  SpotifyPaging,
  SpotifyPlaylistItem,
  SpotifyPlaylistOwner,
  SpotifySimplifiedAlbum,
  SpotifySimplifiedArtist,
  SpotifySimplifiedPlaylist,
  SpotifyTrack,
  SpotifyUser,
} from '../spotify-api.types.js';
import type { Playlist } from './playlists.js';
import type { World } from './world.js';

/**
 * Builds the Web API's objects from the generated world, per request. `href`s
 * point at the emulator itself (so a client can follow them); `external_urls`
 * and `uri`s look like Spotify's.
 */

/** The full playlist (PlaylistObject): its first page of items inline, unlike the simplified one. */
export type SpotifyFullPlaylist = Omit<SpotifySimplifiedPlaylist, 'items'> & {
  items: SpotifyPaging<SpotifyPlaylistItem>;
  followers: { href: null; total: number };
};

/** The emulated user: PrivateUserObject also carries `account_id` (stable, for account linking). */
export type EmulatedUser = SpotifyUser & { account_id: string };

/** An album's track list, as inside AlbumObject and from /albums/{id}/tracks. */
export type SpotifySimplifiedTrack = Omit<SpotifyTrack, 'album' | 'external_ids' | 'popularity'>;

/** Markets are deprecated in the Web API; every object claims the same few. */
const MARKETS = ['DE', 'ES', 'FR', 'GB', 'SE', 'US'];

/** Full tracks kept rendered at most (~1.9 kB each): a larger library renders the rest per page. */
const RENDERED_TRACKS_LIMIT = 200_000;

export class SpotifyObjects {
  /** Full tracks as UTF-8 JSON by catalog index: a track never changes once generated. */
  private readonly renderedTracks = new Map<number, Buffer>();

  constructor(
    private readonly world: World,
    /** The emulator's origin, known once it listens: `http://127.0.0.1:P`. */
    private readonly origin: () => string,
  ) {}

  get api(): string {
    return `${this.origin()}/v1`;
  }

  simplifiedArtist(index: number): SpotifySimplifiedArtist {
    const artist = this.world.artists[index]!;
    return {
      id: artist.id,
      name: artist.name,
      type: 'artist',
      uri: `spotify:artist:${artist.id}`,
      href: `${this.api}/artists/${artist.id}`,
      external_urls: { spotify: `https://open.spotify.com/artist/${artist.id}` },
    };
  }

  artist(index: number): SpotifyArtist {
    const artist = this.world.artists[index]!;
    return {
      ...this.simplifiedArtist(index),
      genres: [...artist.genres],
      images: images(artist.id),
      popularity: artist.popularity,
      followers: { href: null, total: artist.followers },
    };
  }

  simplifiedAlbum(index: number): SpotifySimplifiedAlbum {
    const album = this.world.albums[index]!;
    return {
      id: album.id,
      name: album.name,
      type: 'album',
      uri: `spotify:album:${album.id}`,
      href: `${this.api}/albums/${album.id}`,
      external_urls: { spotify: `https://open.spotify.com/album/${album.id}` },
      album_type: album.albumType,
      total_tracks: album.trackCount,
      release_date: album.releaseDate,
      release_date_precision: album.releaseDatePrecision,
      images: images(album.id),
      artists: [this.simplifiedArtist(album.artistIndex)],
      available_markets: [...MARKETS],
    };
  }

  album(index: number): SpotifyAlbum {
    const album = this.world.albums[index]!;
    const year = album.releaseDate.slice(0, 4);
    return {
      ...this.simplifiedAlbum(index),
      tracks: this.albumTracks(index, 0, 50),
      genres: [],
      label: album.label,
      popularity: album.popularity,
      copyrights: [
        { text: `© ${year} ${album.label}`, type: 'C' },
        { text: `℗ ${year} ${album.label}`, type: 'P' },
      ],
      external_ids: { upc: album.upc },
    };
  }

  albumTracks(
    albumIndex: number,
    offset: number,
    limit: number,
  ): SpotifyPaging<SpotifySimplifiedTrack> {
    const album = this.world.albums[albumIndex]!;
    return this.page(`/albums/${album.id}/tracks`, album.trackCount, offset, limit, (i) =>
      this.simplifiedTrack(album.firstTrack + i),
    );
  }

  simplifiedTrack(index: number): SpotifySimplifiedTrack {
    const track = this.world.track(index);
    return {
      id: track.id,
      name: track.name,
      type: 'track',
      uri: `spotify:track:${track.id}`,
      href: `${this.api}/tracks/${track.id}`,
      external_urls: { spotify: `https://open.spotify.com/track/${track.id}` },
      duration_ms: track.durationMs,
      explicit: track.explicit,
      disc_number: track.discNumber,
      track_number: track.trackNumber,
      is_local: false,
      preview_url: null,
      available_markets: [...MARKETS],
      artists: track.artistIndexes.map((artist) => this.simplifiedArtist(artist)),
    };
  }

  track(index: number): SpotifyTrack {
    const track = this.world.track(index);
    return {
      ...this.simplifiedTrack(index),
      popularity: track.popularity,
      external_ids: { isrc: track.isrc },
      album: this.simplifiedAlbum(track.albumIndex),
    };
  }

  /**
   * A full track as UTF-8 JSON, rendered and encoded once: library pages are
   * copied together from these, so the emulator answers as a remote service
   * would, at once and without taking the CPU a sync it serves on the same
   * machine needs (see render()). Joined as strings, a page of 50 also had to
   * be encoded again per request: 0.9 ms, against 0.13 ms copied as bytes.
   */
  trackJson(index: number): Buffer {
    let json = this.renderedTracks.get(index);
    if (json === undefined) {
      json = Buffer.from(JSON.stringify(this.track(index)));
      if (this.renderedTracks.size < RENDERED_TRACKS_LIMIT) this.renderedTracks.set(index, json);
    }
    return json;
  }

  /** Renders these tracks ahead (the saved library, once the origin is known). */
  render(trackIndexes: Iterable<number>): void {
    for (const index of trackIndexes) this.trackJson(index);
  }

  /** The context of a play: the track's album (the feed's plays all come from albums). */
  albumContext(trackIndex: number): SpotifyContext {
    const album = this.world.albums[this.world.track(trackIndex).albumIndex]!;
    return {
      type: 'album',
      uri: `spotify:album:${album.id}`,
      href: `${this.api}/albums/${album.id}`,
      external_urls: { spotify: `https://open.spotify.com/album/${album.id}` },
    };
  }

  simplifiedPlaylist(playlist: Playlist, owner: EmulatedUser): SpotifySimplifiedPlaylist {
    return {
      ...this.playlistBase(playlist, owner),
      // SimplifiedPlaylistObject's description is a string: Spotify sends "" when there is none.
      description: playlist.description ?? '',
      items: { href: `${this.api}/playlists/${playlist.id}/items`, total: playlist.entries.length },
    };
  }

  /** PlaylistObject: the first page of items inline (50, the most /items pages by). */
  playlist(playlist: Playlist, owner: EmulatedUser): SpotifyFullPlaylist {
    return {
      ...this.playlistBase(playlist, owner),
      description: playlist.description,
      items: this.playlistItems(playlist, owner, 0, 50),
      followers: { href: null, total: 0 },
    };
  }

  playlistItems(
    playlist: Playlist,
    owner: EmulatedUser,
    offset: number,
    limit: number,
  ): SpotifyPaging<SpotifyPlaylistItem> {
    const { entries } = playlist;
    return this.page(`/playlists/${playlist.id}/items`, entries.length, offset, limit, (i) => {
      const entry = entries[i]!;
      return {
        added_at: isoSeconds(entry.addedAtMs),
        added_by: {
          id: owner.id,
          type: 'user',
          uri: owner.uri,
          href: owner.href,
          external_urls: owner.external_urls,
        },
        is_local: false,
        item: this.track(entry.trackIndex),
      };
    });
  }

  private playlistBase(playlist: Playlist, owner: EmulatedUser) {
    return {
      id: playlist.id,
      name: playlist.name,
      type: 'playlist' as const,
      uri: `spotify:playlist:${playlist.id}`,
      href: `${this.api}/playlists/${playlist.id}`,
      external_urls: { spotify: `https://open.spotify.com/playlist/${playlist.id}` },
      collaborative: playlist.collaborative,
      public: playlist.public,
      snapshot_id: playlist.snapshotId,
      images: [],
      owner: this.user(owner),
    };
  }

  user(user: EmulatedUser): SpotifyPlaylistOwner {
    return {
      id: user.id,
      display_name: user.display_name,
      type: 'user',
      uri: user.uri,
      href: user.href,
      external_urls: user.external_urls,
    };
  }

  /** page() as UTF-8 JSON, each item given as the pieces of its JSON. */
  pageJson(
    path: string,
    total: number,
    offset: number,
    limit: number,
    itemJson: (position: number) => readonly (Buffer | string)[],
  ): Buffer {
    const { items, ...paging } = this.page(path, total, offset, limit, itemJson);
    // the text between two encoded pieces is encoded once, then everything is copied together
    const chunks: Buffer[] = [];
    let text = `{${JSON.stringify(paging).slice(1, -1)},"items":[`;
    items.forEach((item, i) => {
      if (i > 0) text += ',';
      for (const piece of item) {
        if (typeof piece === 'string') {
          text += piece;
        } else {
          chunks.push(Buffer.from(text), piece);
          text = '';
        }
      }
    });
    chunks.push(Buffer.from(`${text}]}`));
    return Buffer.concat(chunks);
  }

  /**
   * Offset paging over `total` items, each built on demand: a page costs
   * O(limit) however long the list. `path` is under /v1, without a query.
   */
  page<T>(
    path: string,
    total: number,
    offset: number,
    limit: number,
    item: (position: number) => T,
  ): SpotifyPaging<T> {
    const url = (at: number) => `${this.api}${path}?offset=${at}&limit=${limit}`;
    const items: T[] = [];
    for (let i = offset; i < Math.min(total, offset + limit); i++) items.push(item(i));
    return {
      href: url(offset),
      items,
      limit,
      next: offset + limit < total ? url(offset + limit) : null,
      offset,
      previous: offset > 0 ? url(Math.max(0, offset - limit)) : null,
      total,
    };
  }
}

/** Cover art in Spotify's three sizes, widest first (the URLs lead nowhere). */
function images(id: string): SpotifyImage[] {
  const hex = Buffer.from(id).toString('hex').slice(0, 40);
  return [640, 300, 64].map((size) => ({
    url: `https://i.scdn.co/image/ab67616d${size}${hex}`,
    height: size,
    width: size,
  }));
}

/** Spotify's added_at: ISO 8601 in UTC, to the second (played_at keeps its milliseconds). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
