import { describe, expect, it } from 'vitest';
import { prepareBatch, type PlayToRecord } from './play-batch.js';

const play = (trackId: number, iso: string, extra: Partial<PlayToRecord> = {}): PlayToRecord => ({
  trackId,
  playedAt: new Date(iso),
  msPlayed: 180_000,
  source: 'spotify_export',
  ...extra,
});
const prepare = (plays: PlayToRecord[], threshold = 30_000) =>
  prepareBatch(plays, (trackId) => trackId * 10, threshold);

describe('prepareBatch', () => {
  it('drops a precise play delivered twice, keeps plays of a track on repeat', () => {
    const rows = prepare([
      play(1, '2024-01-01T10:00:00Z'),
      play(1, '2024-01-01T10:00:00.400Z'),
      play(1, '2024-01-01T10:03:00Z'),
      play(2, '2024-01-01T10:00:00Z'),
    ]);
    expect(rows.map((r) => [r.userTrackId, r.playedAt.toISOString()])).toEqual([
      [10, '2024-01-01T10:00:00.000Z'],
      [10, '2024-01-01T10:03:00.000Z'],
      [20, '2024-01-01T10:00:00.000Z'],
    ]);
    expect(new Set(rows.map((r) => r.group)).size).toBe(3);
  });

  it('groups a coarse source per track and minute, a millisecond apart', () => {
    const minute = (trackId: number, msPlayed: number) =>
      play(trackId, '2024-01-01T10:03:00Z', { source: 'spotify_account_export', msPlayed });
    const rows = prepare([
      minute(1, 20_000),
      minute(1, 5_000),
      minute(1, 1_000),
      minute(2, 20_000),
    ]);
    expect(rows.map((r) => [r.userTrackId, r.playedAt.toISOString(), r.group])).toEqual([
      [10, '2024-01-01T10:03:00.000Z', 1],
      [10, '2024-01-01T10:03:00.001Z', 1],
      [10, '2024-01-01T10:03:00.002Z', 1],
      [20, '2024-01-01T10:03:00.000Z', 2],
    ]);
  });

  it('drops a coarse row stated twice: the same track, minute and duration', () => {
    const minute = (iso: string, msPlayed: number) =>
      play(1, iso, { source: 'spotify_account_export', msPlayed });
    const rows = prepare([
      minute('2024-01-01T10:03:00Z', 20_000),
      minute('2024-01-01T10:03:00Z', 20_000),
      minute('2024-01-01T10:03:00Z', 7_000),
      minute('2024-01-01T10:03:00Z', 20_000),
      minute('2024-01-01T10:04:00Z', 20_000),
    ]);
    expect(rows.map((r) => [r.playedAt.toISOString(), r.msPlayed, r.group])).toEqual([
      ['2024-01-01T10:03:00.000Z', 20_000, 1],
      ['2024-01-01T10:03:00.001Z', 7_000, 1],
      ['2024-01-01T10:04:00.000Z', 20_000, 2],
    ]);
  });

  it('knows copies of a play and of a minute apart when the other source sorts between them', () => {
    const minute = (iso: string, msPlayed = 180_000) =>
      play(1, iso, { source: 'spotify_account_export', msPlayed });
    const rows = prepare([
      play(1, '2024-01-01T10:03:00Z'),
      minute('2024-01-01T10:03:00Z'),
      play(1, '2024-01-01T10:03:00Z'), // the first play again, from an overlapping file
      play(1, '2024-01-01T10:03:00.300Z'), // and once more, a little off
      minute('2024-01-01T10:03:00Z', 9_000), // the minute's second play
    ]);
    expect(rows.map((r) => [r.source, r.playedAt.toISOString(), r.group])).toEqual([
      ['spotify_export', '2024-01-01T10:03:00.000Z', 1],
      ['spotify_account_export', '2024-01-01T10:03:00.000Z', 2],
      ['spotify_account_export', '2024-01-01T10:03:00.001Z', 2],
    ]);
  });

  it('marks plays under the threshold as skips unless the source decided', () => {
    const rows = prepare(
      [
        play(1, '2024-01-01T10:00:00Z', { msPlayed: 9_000 }),
        play(2, '2024-01-01T10:00:00Z', { msPlayed: 9_000, skipped: false }),
        play(3, '2024-01-01T10:00:00Z', { msPlayed: 10_000 }),
      ],
      10_000,
    );
    expect(rows.map((r) => r.skipped)).toEqual([true, false, false]);
  });
});
