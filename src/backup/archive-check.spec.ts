import { describe, expect, it } from 'vitest';
import { ArchiveChecker } from './archive-check.js';
import { emptyCounts, type ArchiveRecord } from './archive-format.js';

const at = new Date('2024-01-01T00:00:00Z');
const settings: ArchiveRecord = { type: 'settings', timeZone: 'UTC', playThresholdMs: 30_000 };
const artist: ArchiveRecord = {
  type: 'artist',
  key: 1,
  name: 'Björk',
  spotifyId: null,
  imageUrl: null,
  genres: [],
};
const track = (key: number, artists = [1]): ArchiveRecord => ({
  type: 'track',
  key,
  spotifyId: null,
  name: `Track ${key}`,
  artists,
  album: null,
  durationMs: null,
  explicit: null,
  isrc: null,
  discNumber: null,
  trackNumber: null,
  addedAt: at,
  liked: false,
  rating: null,
  tags: [],
});
const play = (trackKey: number): ArchiveRecord => ({
  type: 'play',
  track: trackKey,
  playedAt: at,
  msPlayed: 1000,
  source: 'spotify_export',
  skipped: true,
  reasonStart: null,
  reasonEnd: null,
});
const end = (counts: Partial<ReturnType<typeof emptyCounts>>): ArchiveRecord => ({
  type: 'end',
  counts: { ...emptyCounts(), ...counts },
});

function check(records: ArchiveRecord[]) {
  const checker = new ArchiveChecker();
  records.forEach((r, i) => checker.add(r, i + 2));
  return checker.finish();
}

describe('ArchiveChecker', () => {
  it('counts a whole archive', () => {
    const counts = check([
      settings,
      artist,
      track(1),
      play(1),
      play(1),
      end({ artist: 1, track: 1, play: 2 }),
    ]);
    expect(counts).toMatchObject({ artist: 1, track: 1, play: 2 });
  });

  it.each([
    [
      'a reference to nothing',
      [settings, artist, play(7)],
      /line 4: refers to track 7, not defined before/,
    ],
    ['an unknown artist', [settings, track(1, [2])], /line 3: refers to artist 2/],
    ['a key twice', [settings, artist, track(1), track(1)], /line 5: a second track with key 1/],
    ['settings twice', [settings, settings], /line 3: a second settings record/],
    ['a count that differs', [settings, artist, end({})], /line 4: .*artist: 1 of 0/],
    ['no end record', [settings, artist, track(1)], /ends before its end record/],
    [
      'a record after the end',
      [settings, end({}), artist],
      /line 4: a record after the end record/,
    ],
  ])('refuses %s', (_name, records, message) => {
    expect(() => check(records)).toThrow(message);
  });

  it('refuses a smart playlist that reads one not defined before it', () => {
    const smart: ArchiveRecord = {
      type: 'smartPlaylist',
      key: 1,
      definition: {
        name: 'Mix',
        match: 'all',
        rules: [{ field: 'IN_PLAYLIST', operator: 'EQUALS', value: { smartPlaylistId: 2 } }],
      },
      randomSeed: 0,
      evaluatedAt: null,
      spotifyPlaylistId: null,
      spotifySnapshotId: null,
      pushedAt: null,
      createdAt: at,
      updatedAt: at,
    };
    expect(() => check([settings, smart])).toThrow(
      /line 3: smart playlist 1 rules\[0\]\.value refers to smartPlaylist 2/,
    );
  });
});
