import type { RecordOf } from './archive-format.js';

/**
 * A restore's map from the archive's keys to what they became here. It grows
 * with the library (tracks, artists, albums, tags, playlists), never with
 * the history: plays are written as they are read.
 */
export class RestoreKeys {
  readonly tags = new Map<number, number>();
  /** artist records as read: written with the tracks that credit them */
  readonly artistFacts = new Map<number, RecordOf<'artist'>>();
  readonly artists = new Map<number, number>();
  /** album records as read: written with the tracks on them */
  readonly albumFacts = new Map<number, RecordOf<'album'>>();
  /** archive track key to user track id */
  readonly tracks = new Map<number, number>();
  readonly playlists = new Map<number, number>();
  readonly smartPlaylists = new Map<number, number>();
  /** whether the artists' own facts (images, genres) are written */
  artistsFilled = false;

  artistFact(key: number): RecordOf<'artist'> {
    return found(this.artistFacts, key, 'artist');
  }

  albumFact(key: number): RecordOf<'album'> {
    return found(this.albumFacts, key, 'album');
  }

  track(key: number): number {
    return found(this.tracks, key, 'track');
  }
}

/** The archive was checked before the restore began, so a missing key is a bug, not bad input. */
function found<V>(map: ReadonlyMap<number, V>, key: number, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`The restore has no ${what} for archive key ${key}`);
  return value;
}
