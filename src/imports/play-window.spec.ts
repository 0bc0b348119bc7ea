import { describe, expect, it } from 'vitest';
import type { ExportPlay } from './export-rows.js';
import { PlayWindow } from './play-window.js';

const play = (trackName: string, iso: string, extra: Partial<ExportPlay> = {}): ExportPlay => ({
  endedAt: new Date(iso),
  msPlayed: 200_000,
  source: 'spotify_export',
  track: { artistName: 'Artist', trackName },
  reasonStart: 'clickrow',
  reasonEnd: 'trackdone',
  ...extra,
});

describe('PlayWindow', () => {
  it('holds each track once and gives every play back as it was read', () => {
    const window = new PlayWindow();
    const plays = [
      play('A', '2024-01-01T10:00:00Z'),
      play('B', '2024-01-01T10:04:00Z', { source: 'spotify_account_export', reasonEnd: null }),
      play('A', '2024-01-01T10:08:00.250Z', { msPlayed: 1_000, reasonStart: 'fwdbtn' }),
    ];
    plays.forEach((p) => window.add(p));
    expect(window.tracks.map((t) => t?.trackName)).toEqual(['A', 'B']);
    expect(window.takeTracks([1]).map((t) => t.trackName)).toEqual(['B']);
    expect(window.tracks.map((t) => t?.trackName)).toEqual(['A', undefined]);
    expect(window.plays).toBe(3);
    expect([0, 1, 2].map((i) => window.trackIndexOf(i))).toEqual([0, 1, 0]);
    expect([0, 1, 2].map((i) => window.toRecord(i, 11))).toEqual(
      plays.map((p) => ({
        trackId: 11,
        playedAt: p.endedAt,
        msPlayed: p.msPlayed,
        source: p.source,
        reasonStart: p.reasonStart,
        reasonEnd: p.reasonEnd,
      })),
    );
  });

  it('orders plays by artist, album and track, then by time', () => {
    const window = new PlayWindow();
    const by = (artistName: string, albumName: string, trackName: string) => ({
      track: { artistName, albumName, trackName },
    });
    window.add(play('', '2024-01-03T00:00:00Z', by('Muse', 'Drones', 'Mercy')));
    window.add(play('', '2024-01-02T00:00:00Z', by('Björk', 'Post', 'Hyperballad')));
    window.add(play('', '2024-01-01T00:00:00Z', by('Muse', 'Drones', 'Mercy')));
    window.add(play('', '2024-01-01T00:00:00Z', by('Muse', 'Absolution', 'Hysteria')));
    window.add(play('', '2024-01-04T00:00:00Z', by('Björk', 'Post', 'Hyperballad')));
    expect(window.ordered()).toEqual([1, 4, 3, 2, 0]);
  });

  it('hands its rows over and starts empty', () => {
    const window = new PlayWindow();
    window.add(play('A', '2024-01-01T10:00:00Z'));
    window.saved.push({ artistName: 'Artist', trackName: 'C' });
    const taken = window.take();
    expect([taken.plays, taken.rows, taken.tracks.length]).toEqual([1, 2, 1]);
    expect([window.plays, window.rows, window.tracks.length]).toEqual([0, 0, 0]);
    window.add(play('B', '2024-01-01T10:00:00Z'));
    expect(window.tracks.map((t) => t?.trackName)).toEqual(['B']);
    expect(taken.tracks.map((t) => t?.trackName)).toEqual(['A']);
  });
});
