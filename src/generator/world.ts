import { seededRandom } from '../common/seeded-random.js';
import type { Scale } from './scales.js';

/**
 * A synthetic music world, derived from a seed alone: the catalog, and for
 * each user a library and ten years of plays. Names and Spotify ids come from
 * indexes, so nothing but a few typed arrays is held, even at scale L.
 */

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ra',
  'ven',
  'dor',
  'sa',
  'tu',
  'el',
  'ny',
  'bri',
  'zo',
  'an',
  'qui',
  'fe',
  'ho',
  'la',
  'ri',
  'mo',
  'sen',
  'ta',
  'vi',
  'ju',
  'pe',
  'no',
  'ce',
  'dra',
  'gu',
  'it',
  'wy',
];
const GENRE_WORDS = ['indie', 'dream', 'neo', 'post', 'art', 'deep', 'lo-fi', 'nu', 'alt', 'dark'];
const GENRE_STYLES = [
  'pop',
  'rock',
  'soul',
  'jazz',
  'house',
  'folk',
  'punk',
  'techno',
  'r&b',
  'hip hop',
  'ambient',
  'metal',
];
export const GENRES = GENRE_WORDS.flatMap((w) => GENRE_STYLES.map((s) => `${w} ${s}`));
export const TAG_NAMES = [
  'Chill',
  'Workout',
  'Focus',
  'Roadtrip',
  'Rainy day',
  'Party',
  'Sleep',
  'Dinner',
  'Summer',
  'Throwback',
  'Discover',
  'Café',
];
const TAG_COLORS = ['#e11d48', '#2563eb', '#16a34a', '#f59e0b', '#7c3aed', '#0891b2'];

const DAY_MS = 86_400_000;
const YEARS = 10;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A word from an index: distinct indexes give distinct words. */
function word(index: number): string {
  let n = index;
  let out = '';
  do {
    out += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return out[0]!.toUpperCase() + out.slice(1);
}

/** A 22-character Spotify id that no real track has (real ids are random base62). */
export function generatedSpotifyId(kind: 'track', index: number): string {
  let n = index;
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return `${kind === 'track' ? 'GenTrk' : 'Gen'}${out.padStart(16, '0')}`;
}

export interface CatalogTrack {
  spotifyId: string;
  trackName: string;
  artistName: string;
  albumName: string;
  durationMs: number;
}

/** The catalog: artists by popularity (0 the most popular), their tracks and albums. */
export class Catalog {
  /** primary artist of each track */
  readonly artistOf: Int32Array;
  readonly durationOf: Int32Array;
  /** album number of each track within its artist's discography */
  private readonly albumOf: Int32Array;
  /** tracks of each artist: trackIds.slice(firstTrack[a], firstTrack[a + 1]) */
  readonly firstTrack: Int32Array;
  readonly trackIds: Int32Array;

  constructor(
    readonly scale: Scale,
    readonly seed: number,
  ) {
    const random = seededRandom(seed);
    const { artists, tracks } = scale;
    // Bigger discographies for more popular artists (a mild power law).
    const weights = Float64Array.from({ length: artists }, (_, a) => 1 / (a + 1) ** 0.6);
    const pick = cumulative(weights);
    this.artistOf = new Int32Array(tracks);
    this.durationOf = new Int32Array(tracks);
    this.albumOf = new Int32Array(tracks);
    const perArtist = new Int32Array(artists);
    for (let t = 0; t < tracks; t++) {
      // every artist gets a track first, then the power law decides
      const artist = t < artists ? t : draw(pick, random());
      this.artistOf[t] = artist;
      this.albumOf[t] = Math.floor(perArtist[artist]! / 11);
      perArtist[artist]!++;
      this.durationOf[t] = 120_000 + Math.floor(random() * 300_000);
    }
    this.firstTrack = new Int32Array(artists + 1);
    for (let a = 0; a < artists; a++) this.firstTrack[a + 1] = this.firstTrack[a]! + perArtist[a]!;
    this.trackIds = new Int32Array(tracks);
    const fill = this.firstTrack.slice(0, artists);
    for (let t = 0; t < tracks; t++) this.trackIds[fill[this.artistOf[t]!]!++] = t;
  }

  artistName(artist: number): string {
    return `${word(artist + 40)} ${word(((artist * 7919) % 900) + 30)}`;
  }

  track(t: number): CatalogTrack {
    const artist = this.artistOf[t]!;
    return {
      spotifyId: generatedSpotifyId('track', t),
      trackName: `${word(t * 31 + 17)} ${word(t)}`,
      artistName: this.artistName(artist),
      albumName: `${word(artist * 13 + this.albumOf[t]! + 5)} ${this.albumOf[t]! + 1}`,
      durationMs: this.durationOf[t]!,
    };
  }

  /** Extra credited artists of some tracks (one in ten). */
  featuring(t: number): number[] {
    const random = seededRandom(this.seed * 1_000_003 + t);
    if (random() >= 0.1) return [];
    const count = random() < 0.7 ? 1 : 2;
    const others = new Set<number>();
    for (let i = 0; i < count; i++) {
      const other = Math.floor(random() * this.scale.artists);
      if (other !== this.artistOf[t]) others.add(other);
    }
    return [...others];
  }

  /** Genres of an artist, by index into GENRES: none for some, up to three. */
  genresOf(artist: number): number[] {
    const random = seededRandom(this.seed * 7_000_003 + artist);
    const count = random() < 0.15 ? 0 : 1 + Math.floor(random() * 3);
    const genres = new Set<number>();
    for (let i = 0; i < count; i++) genres.add(Math.floor(random() ** 2 * GENRES.length));
    return [...genres];
  }
}

export interface UserWorld {
  /** catalog track ids of the library, the most played first */
  library: Int32Array;
  /** how many of `library` (from the end) are never played */
  neverPlayed: number;
  /** saved (liked) tracks, each with when it was saved */
  liked: { track: number; addedAt: Date }[];
  /** half-star ratings (1..10) of about a third of the library */
  ratings: { track: number; rating: number }[];
  tags: { name: string; color: string; tracks: number[] }[];
  playlists: { name: string; tracks: number[] }[];
}

/** One user's library, taken by artist (people save artists, not random tracks). */
export function userWorld(catalog: Catalog, userIndex: number, size: number): UserWorld {
  const random = seededRandom(catalog.seed * 31 + userIndex + 1);
  const { artists } = catalog.scale;
  // Weighted sampling without replacement (Efraimidis–Spirakis): popular artists first, mostly.
  const keys = Float64Array.from({ length: artists }, (_, a) => Math.log(random()) * (a + 1));
  const order = Int32Array.from({ length: artists }, (_, a) => a).sort(
    (x, y) => keys[y]! - keys[x]!,
  );
  const library: number[] = [];
  const taken = new Uint8Array(catalog.scale.tracks);
  // Most of each artist's tracks; a second pass fills a library as big as the catalog.
  for (const share of [0.8, 1]) {
    for (let i = 0; i < artists && library.length < size; i++) {
      const a = order[i]!;
      for (const t of catalog.trackIds.subarray(catalog.firstTrack[a], catalog.firstTrack[a + 1])) {
        if (library.length < size && !taken[t] && random() < share) {
          taken[t] = 1;
          library.push(t);
        }
      }
    }
  }
  shuffleHead(library, random);
  const neverPlayed = Math.floor(library.length * 0.15);
  const end = today();
  const liked = library.flatMap((track, rank) =>
    rank >= library.length - neverPlayed || random() < 0.6
      ? [{ track, addedAt: new Date(end - Math.floor(random() * YEARS * 365 * DAY_MS)) }]
      : [],
  );
  const ratings = library.flatMap((track, rank) => {
    if (random() >= 1 / 3) return [];
    const fromRank = 10 - (rank / library.length) * 7 + (random() - 0.5) * 4;
    return [{ track, rating: Math.min(10, Math.max(1, Math.round(fromRank))) }];
  });
  const tags = TAG_NAMES.slice(0, 6 + (userIndex % 7)).map((name, i) => ({
    name,
    color: TAG_COLORS[i % TAG_COLORS.length]!,
    tracks: library.filter(() => random() < 0.02 + 0.01 * (i % 4)),
  }));
  const playlists = Array.from({ length: 4 + (userIndex % 9) }, (_, i) => ({
    name: `${word(userIndex * 17 + i + 3)} mix`,
    tracks: Array.from(
      new Set(
        Array.from(
          { length: 20 + Math.floor(random() * 180) },
          () => library[Math.floor(random() ** 2 * library.length)]!,
        ),
      ),
    ),
  }));
  return { library: Int32Array.from(library), neverPlayed, liked, ratings, tags, playlists };
}

export interface GeneratedPlays {
  /**
   * Tracks of the library the draw left unplayed and unsaved: saved, so the
   * library is as big as planned (they were meant to be played, not missing).
   */
  alsoSaved: { track: number; addedAt: Date }[];
  /** catalog track of each play, in time order */
  tracks: Int32Array;
  /** when each play ended, epoch ms, ascending */
  endedAt: Float64Array;
  msPlayed: Int32Array;
}

/**
 * Ten years of one user's plays up to today: Zipf play counts over the
 * library (never-played tracks excepted), more listening in later years, on
 * weekends and in the evening; 15% skips. Two plays of one track are always
 * minutes apart, so none is mistaken for another's repeat.
 */
export function userPlays(
  catalog: Catalog,
  world: UserWorld,
  userIndex: number,
  count: number,
): GeneratedPlays {
  const random = seededRandom(catalog.seed * 131 + userIndex + 7);
  const playable = world.library.length - world.neverPlayed;
  const byRank = cumulative(Float64Array.from({ length: playable }, (_, r) => 1 / (r + 3)));
  const days = YEARS * 365;
  const end = today();
  const start = end - days * DAY_MS;
  const byDay = cumulative(
    Float64Array.from({ length: days }, (_, d) => {
      const weekday = new Date(start + d * DAY_MS).getUTCDay();
      return (0.3 + (0.7 * d) / days) * (weekday === 0 || weekday === 6 ? 1.3 : 1);
    }),
  );
  const byHour = cumulative(Float64Array.from(HOUR_WEIGHTS));
  const plays = Array.from({ length: count }, () => {
    const day = draw(byDay, random());
    const at =
      start + day * DAY_MS + draw(byHour, random()) * 3_600_000 + Math.floor(random() * 3_600_000);
    const track = world.library[draw(byRank, random())]!;
    const full = catalog.durationOf[track]!;
    const msPlayed =
      random() < 0.15 ? 1_000 + Math.floor(random() * 25_000) : full - Math.floor(random() * 5_000);
    return { at, track, msPlayed };
  });
  plays.sort((a, b) => a.at - b.at);
  const lastOf = new Map<number, number>();
  for (const play of plays) {
    const last = lastOf.get(play.track);
    if (last !== undefined && play.at - last < 600_000) play.at = last + 600_000;
    lastOf.set(play.track, play.at);
  }
  plays.sort((a, b) => a.at - b.at);
  const inRange = plays.filter((p) => p.at < end);
  const played = new Set(inRange.map((p) => p.track));
  const saved = new Set(world.liked.map((l) => l.track));
  const alsoSaved = [...world.library]
    .filter((t) => !played.has(t) && !saved.has(t))
    .map((track) => ({ track, addedAt: new Date(start + Math.floor(random() * days) * DAY_MS) }));
  return {
    alsoSaved,
    tracks: Int32Array.from(inRange, (p) => p.track),
    endedAt: Float64Array.from(inRange, (p) => p.at),
    msPlayed: Int32Array.from(inRange, (p) => p.msPlayed),
  };
}

/** Listening by hour of day (UTC): quiet nights, a morning commute, evening peaks. */
const HOUR_WEIGHTS = [3, 2, 1, 1, 1, 2, 4, 7, 9, 8, 7, 7, 8, 7, 7, 8, 9, 10, 12, 13, 13, 11, 8, 5];

/** The generated world ends at the start of today (UTC): deterministic for a seed and a day. */
function today(): number {
  const now = Date.now();
  return now - (now % DAY_MS);
}

function cumulative(weights: Float64Array): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => (sums[i] = total += w));
  return sums.map((s) => s / total);
}

/** The index whose cumulative share first reaches u. */
function draw(sums: Float64Array, u: number): number {
  let low = 0;
  let high = sums.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sums[mid]! < u) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Mixes the order a little: neighbours swap, the popular head stays near the top. */
function shuffleHead(items: number[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.max(0, i - Math.floor(random() * 50));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
