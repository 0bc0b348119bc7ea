import { seededRandom } from '../../common/seeded-random.js';

/**
 * The emulator's generated catalog: artists, albums and tracks, the same for
 * the same seed and size on every machine. Tracks live in typed arrays (a
 * bench emulates 100k of them); Spotify-shaped objects are built from them
 * per request (objects.ts), never kept.
 */
export interface WorldArtist {
  id: string;
  name: string;
  /** 0–3 of GENRES; Spotify deprecated artist genres, so some artists have none. */
  genres: string[];
  popularity: number;
  followers: number;
}

export interface WorldAlbum {
  id: string;
  name: string;
  artistIndex: number;
  albumType: 'album' | 'single' | 'compilation';
  releaseDate: string;
  releaseDatePrecision: 'year' | 'month' | 'day';
  label: string;
  popularity: number;
  upc: string;
  /** An album's tracks are consecutive in the track table. */
  firstTrack: number;
  trackCount: number;
}

export interface WorldTrack {
  index: number;
  id: string;
  name: string;
  albumIndex: number;
  /** The album's artist first, then up to two featured artists. */
  artistIndexes: number[];
  durationMs: number;
  explicit: boolean;
  popularity: number;
  discNumber: number;
  trackNumber: number;
  isrc: string;
}

export const GENRES = [
  'indie pop',
  'art rock',
  'trip hop',
  'post-rock',
  'chanson',
  'hip hop',
  'drum and bass',
  'reggaetón',
  'nordic folk',
  'synthwave',
  'r&b',
  'jazz fusion',
  'música mexicana',
  'k-pop',
  'modern classical',
  'shoegaze',
];

/** The first artists get well-known accented or oddly cased names, so matching on names gets exercised. */
const NOTABLE_ARTISTS = [
  'Beyoncé',
  'Sigur Rós',
  'Björk',
  'Motörhead',
  'Rosalía',
  'Röyksopp',
  'Céline Dion',
  'alt-J',
  'Måneskin',
  'CHVRCHES',
  'Ólafur Arnalds',
  'múm',
  'Café Tacvba',
  'Édith Piaf',
  'AURORA',
  'Zoé',
];
const FIRST_NAMES = [
  'Zoë',
  'José',
  'Chloé',
  'Søren',
  'Ana',
  'Björn',
  'Léa',
  'Inès',
  'Tomás',
  'Yuki',
  'Matteo',
  'Amélie',
  'Nils',
  'Renée',
  'Jonas',
  'Mia',
];
const LAST_NAMES = [
  'Álvarez',
  'Nilsson',
  'Dubois',
  'Kovač',
  'García',
  'Lindqvist',
  'Müller',
  'Okafor',
  'Haraldsdóttir',
  'Rossi',
  'Novák',
  'Ferré',
  'Park',
  'Moreau',
];
const ADJECTIVES = [
  'Golden',
  'Midnight',
  'Électrique',
  'Blue',
  'Silent',
  'Naïve',
  'Neon',
  'Hidden',
  'Última',
  'Bright',
  'Lonely',
  'Wild',
  'Frozen',
  'Sweet',
  'Fading',
  'Crème',
  'Paper',
  'Velvet',
];
const NOUNS = [
  'Hour',
  'Dreams',
  'Heart',
  'Fiesta',
  'Noël',
  'Rivers',
  'Lights',
  'Garçon',
  'Canción',
  'Océan',
  'Summer',
  'Waves',
  'Mañana',
  'Fjörd',
  'Echoes',
  'Rain',
  'Café',
  'Motorway',
  'Señal',
  'Sky',
];
const TITLE_SUFFIXES = [' (Remastered 2011)', ' - Live', ' (Acoustic)', ' - Radio Edit'];
const LABELS = ['Sub Pop', 'Warp Records', 'XL Recordings', 'Ninja Tune', 'Domino', 'Sony Music'];
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export class World {
  readonly artists: WorldArtist[] = [];
  readonly albums: WorldAlbum[] = [];
  readonly trackCount: number;
  private readonly trackIds: string[] = [];
  private readonly trackNames: string[] = [];
  private readonly trackAlbum: Int32Array;
  /** Two featured artists per track, -1 when absent. */
  private readonly trackFeatured: Int32Array;
  private readonly trackDurationMs: Int32Array;
  private readonly trackPopularity: Uint8Array;
  private readonly trackExplicit: Uint8Array;
  private readonly trackIndexById = new Map<string, number>();
  private readonly albumIndexById = new Map<string, number>();
  private readonly artistIndexById = new Map<string, number>();
  private readonly random: () => number;
  private readonly usedIds = new Set<string>();

  constructor(
    trackCount: number,
    readonly seed: number,
  ) {
    if (!Number.isSafeInteger(trackCount) || trackCount < 1) {
      throw new RangeError(`tracks must be a positive integer, not ${trackCount}`);
    }
    this.trackCount = trackCount;
    this.random = seededRandom(seed);
    this.trackAlbum = new Int32Array(trackCount);
    this.trackFeatured = new Int32Array(trackCount * 2).fill(-1);
    this.trackDurationMs = new Int32Array(trackCount);
    this.trackPopularity = new Uint8Array(trackCount);
    this.trackExplicit = new Uint8Array(trackCount);
    this.generateArtists(Math.max(1, Math.round(trackCount / 25)));
    this.generateAlbumsAndTracks();
    // Only needed while generating: ids are unique from here on.
    this.usedIds.clear();
  }

  track(index: number): WorldTrack {
    const albumIndex = this.trackAlbum[index]!;
    const album = this.albums[albumIndex]!;
    const artistIndexes = [album.artistIndex];
    for (const featured of this.trackFeatured.subarray(index * 2, index * 2 + 2)) {
      if (featured >= 0) artistIndexes.push(featured);
    }
    const position = index - album.firstTrack;
    // Long albums come as two discs, numbered from 1 on each.
    const firstDiscLength = album.trackCount > 14 ? Math.ceil(album.trackCount / 2) : Infinity;
    const onSecondDisc = position >= firstDiscLength;
    return {
      index,
      id: this.trackIds[index]!,
      name: this.trackNames[index]!,
      albumIndex,
      artistIndexes,
      durationMs: this.trackDurationMs[index]!,
      explicit: this.trackExplicit[index] === 1,
      popularity: this.trackPopularity[index]!,
      discNumber: onSecondDisc ? 2 : 1,
      trackNumber: onSecondDisc ? position - firstDiscLength + 1 : position + 1,
      isrc: `QZ${String(Math.abs(this.seed) % 100).padStart(2, '0')}${String(index).padStart(8, '0')}`,
    };
  }

  trackId(index: number): string {
    return this.trackIds[index]!;
  }

  trackName(index: number): string {
    return this.trackNames[index]!;
  }

  trackIndex(id: string): number | undefined {
    return this.trackIndexById.get(id);
  }

  albumIndex(id: string): number | undefined {
    return this.albumIndexById.get(id);
  }

  artistIndex(id: string): number | undefined {
    return this.artistIndexById.get(id);
  }

  /** A seeded random stream of its own, for what is generated next to the catalog (library, plays). */
  randomStream(purpose: number): () => number {
    return seededRandom(this.seed * 31 + purpose);
  }

  private generateArtists(count: number): void {
    for (let i = 0; i < count; i++) {
      const id = this.newId();
      const genreCount = this.pick([0, 0, 1, 1, 2, 3]);
      const genres = new Set<string>();
      while (genres.size < genreCount) genres.add(this.pick(GENRES));
      this.artistIndexById.set(id, i);
      this.artists.push({
        id,
        name: NOTABLE_ARTISTS[i] ?? this.artistName(),
        genres: [...genres],
        popularity: this.integer(0, 100),
        followers: this.integer(0, 5_000_000),
      });
    }
  }

  private generateAlbumsAndTracks(): void {
    let next = 0;
    while (next < this.trackCount) {
      // Singles, EPs and albums: about ten tracks an album on average.
      const shape = this.random();
      const wanted = shape < 0.2 ? 1 : shape < 0.35 ? this.integer(3, 6) : this.integer(9, 18);
      const trackCount = Math.min(wanted, this.trackCount - next);
      const albumIndex = this.albums.length;
      const album = this.newAlbum(next, trackCount, wanted);
      this.albumIndexById.set(album.id, albumIndex);
      this.albums.push(album);
      for (let t = next; t < next + trackCount; t++) this.generateTrack(t, albumIndex, album);
      // A single is named after its track.
      if (trackCount === 1) album.name = this.trackNames[next]!;
      next += trackCount;
    }
  }

  private newAlbum(firstTrack: number, trackCount: number, wanted: number): WorldAlbum {
    const year = this.integer(1965, 2025);
    const month = this.integer(1, 12);
    const day = this.integer(1, 28);
    const precision = this.pick(['day', 'day', 'day', 'day', 'month', 'year'] as const);
    const releaseDate =
      precision === 'year'
        ? `${year}`
        : precision === 'month'
          ? `${year}-${pad2(month)}`
          : `${year}-${pad2(month)}-${pad2(day)}`;
    const compilation = wanted > 1 && this.random() < 0.05;
    return {
      id: this.newId(),
      name: compilation ? `The Best of ${this.title()}` : this.title(),
      artistIndex: this.integer(0, this.artists.length - 1),
      albumType: compilation ? 'compilation' : wanted < 7 ? 'single' : 'album',
      releaseDate,
      releaseDatePrecision: precision,
      label: this.pick(LABELS),
      popularity: this.integer(0, 100),
      upc: String(this.integer(100_000_000, 999_999_999)).padStart(12, '0'),
      firstTrack,
      trackCount,
    };
  }

  private generateTrack(index: number, albumIndex: number, album: WorldAlbum): void {
    const id = this.newId();
    this.trackIds.push(id);
    this.trackIndexById.set(id, index);
    this.trackNames.push(this.title());
    this.trackAlbum[index] = albumIndex;
    // Some tracks credit two or three artists.
    if (this.artists.length > 1 && this.random() < 0.15) {
      const featuredCount = this.random() < 0.7 ? 1 : Math.min(2, this.artists.length - 1);
      const credited = new Set([album.artistIndex]);
      for (let f = 0; f < featuredCount; f++) {
        let artist = this.integer(0, this.artists.length - 1);
        while (credited.has(artist)) artist = (artist + 1) % this.artists.length;
        credited.add(artist);
        this.trackFeatured[index * 2 + f] = artist;
      }
    }
    // 90 s to 8 min, most between 2.5 and 4.5 min.
    const typical = this.random() < 0.8;
    const seconds = typical ? this.integer(150, 270) : this.integer(90, 480);
    this.trackDurationMs[index] = seconds * 1000 + this.integer(0, 999);
    this.trackPopularity[index] = this.integer(0, 100);
    this.trackExplicit[index] = this.random() < 0.15 ? 1 : 0;
  }

  private artistName(): string {
    const shape = this.random();
    if (shape < 0.5) return `${this.pick(FIRST_NAMES)} ${this.pick(LAST_NAMES)}`;
    if (shape < 0.8) return `The ${this.pick(ADJECTIVES)} ${this.pick(NOUNS)}`;
    return `${this.pick(ADJECTIVES)}${this.pick(NOUNS).toLowerCase()}`;
  }

  /** Track and album titles, in mixed case like real ones ("golden hour", "NEON RAIN"). */
  private title(): string {
    let title = `${this.pick(ADJECTIVES)} ${this.pick(NOUNS)}`;
    const casing = this.random();
    if (casing < 0.1) title = title.toLowerCase();
    else if (casing < 0.15) title = title.toUpperCase();
    if (this.random() < 0.1) title += this.pick(TITLE_SUFFIXES);
    return title;
  }

  /** A Spotify id: 22 base62 characters. */
  private newId(): string {
    for (;;) {
      const id = randomSpotifyId(this.random);
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }

  private integer(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.random() * values.length)]!;
  }
}

/** Spotify ids (tracks, albums, artists, playlists): 22 base62 characters. */
export function isSpotifyId(value: string): boolean {
  return /^[0-9A-Za-z]{22}$/.test(value);
}

/** A new random id, for what is created at run time (playlists). */
export function randomSpotifyId(random: () => number): string {
  let id = '';
  for (let i = 0; i < 22; i++) id += BASE62[Math.floor(random() * 62)];
  return id;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
