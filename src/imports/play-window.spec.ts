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
    expect(window.tracks.map((t) => t.trackName)).toEqual(['A', 'B']);
    expect(window.plays).toBe(3);
    const trackIds = [11, 22];
    expect([0, 1, 2].map((i) => window.toRecord(i, trackIds))).toEqual(
      plays.map((p) => ({
        trackId: p.track.trackName === 'A' ? 11 : 22,
        playedAt: p.endedAt,
        msPlayed: p.msPlayed,
        source: p.source,
        reasonStart: p.reasonStart,
        reasonEnd: p.reasonEnd,
      })),
    );
  });

  it("orders plays by their track's rank, then by time", () => {
    const window = new PlayWindow();
    window.add(play('late', '2024-01-03T00:00:00Z'));
    window.add(play('early', '2024-01-02T00:00:00Z'));
    window.add(play('late', '2024-01-01T00:00:00Z'));
    window.add(play('early', '2024-01-01T00:00:00Z'));
    // catalog ids of [late, early]; 'early' ranks first
    const rank = new Map([
      [7, 1],
      [5, 0],
    ]);
    expect(window.ordered([7, 5], (id) => rank.get(id)!)).toEqual([3, 1, 2, 0]);
  });

  it('hands its rows over and starts empty', () => {
    const window = new PlayWindow();
    window.add(play('A', '2024-01-01T10:00:00Z'));
    window.saved.push({ artistName: 'Artist', trackName: 'C' });
    const taken = window.take();
    expect([taken.plays, taken.rows, taken.tracks.length]).toEqual([1, 2, 1]);
    expect([window.plays, window.rows, window.tracks.length]).toEqual([0, 0, 0]);
    window.add(play('B', '2024-01-01T10:00:00Z'));
    expect(window.toRecord(0, [3]).trackId).toBe(3);
    expect(taken.toRecord(0, [4]).trackId).toBe(4);
  });
});
