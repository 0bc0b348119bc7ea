import type { World } from './world.js';

/**
 * Track search over the generated catalog: the field filters `artist:`,
 * `track:`, `album:`, `year:` and `isrc:` (a value in double quotes may
 * hold spaces) and bare words, which may match a track's, artist's or
 * album's name. Like Spotify, matching ignores case and accents.
 */
export interface TrackQuery {
  artist: string[];
  track: string[];
  album: string[];
  year: { from: number; to: number } | null;
  isrc: string | null;
  words: string[];
}

export function parseTrackQuery(q: string): TrackQuery {
  const query: TrackQuery = { artist: [], track: [], album: [], year: null, isrc: null, words: [] };
  for (const [, field, quoted, bare] of q.matchAll(/(?:(\w+):)?(?:"([^"]*)"|(\S+))/g)) {
    const value = normalize(quoted ?? bare ?? '');
    if (!value) continue;
    if (field === 'artist' || field === 'track' || field === 'album') query[field].push(value);
    else if (field === 'isrc') query.isrc = value;
    else if (field === 'year') {
      const [from, to] = value.split('-').map(Number);
      if (from !== undefined && Number.isInteger(from)) {
        query.year = { from, to: to !== undefined && Number.isInteger(to) ? to : from };
      }
    } else if (field === undefined) query.words.push(...value.split(' '));
    // Other filters (genre:, tag:new, ...) narrow nothing here.
  }
  return query;
}

/** Lower case, without accents, so "beyonce" finds "Beyoncé" and "sigur ros" finds "Sigur Rós". */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[øæßłđ]/g, (c) => ({ ø: 'o', æ: 'ae', ß: 'ss', ł: 'l', đ: 'd' })[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
}

/** Finds tracks in catalog order; names are normalized once, at the first search. */
export class TrackSearch {
  private trackNames: string[] | undefined;
  private artistNames: string[] | undefined;
  private albumNames: string[] | undefined;

  constructor(private readonly world: World) {}

  /** The indexes of the matching tracks. A scan of the catalog: searches are rare, pages are not. */
  find(query: TrackQuery): number[] {
    const trackNames = (this.trackNames ??= Array.from({ length: this.world.trackCount }, (_, i) =>
      normalize(this.world.trackName(i)),
    ));
    const artistNames = (this.artistNames ??= this.world.artists.map((a) => normalize(a.name)));
    const albumNames = (this.albumNames ??= this.world.albums.map((a) => normalize(a.name)));
    const matches: number[] = [];
    for (let i = 0; i < this.world.trackCount; i++) {
      const track = this.world.track(i);
      const album = this.world.albums[track.albumIndex]!;
      const name = trackNames[i]!;
      const artists = track.artistIndexes.map((a) => artistNames[a]!);
      const albumName = albumNames[track.albumIndex]!;
      const year = Number(album.releaseDate.slice(0, 4));
      const everything = [name, albumName, ...artists].join(' ');
      if (
        query.track.every((value) => name.includes(value)) &&
        query.artist.every((value) => artists.some((artist) => artist.includes(value))) &&
        query.album.every((value) => albumName.includes(value)) &&
        (query.year === null || (year >= query.year.from && year <= query.year.to)) &&
        (query.isrc === null || normalize(track.isrc) === query.isrc) &&
        query.words.every((word) => everything.includes(word))
      ) {
        matches.push(i);
      }
    }
    return matches;
  }
}
