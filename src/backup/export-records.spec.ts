import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../db/schema.js';
import type { BackupExportRepository } from './backup-export.repository.js';
import { ExportedKeys, userRecords } from './export-records.js';

const at = new Date('2024-01-01T00:00:00Z');

/**
 * What a PGlite export (no snapshot) may read when the user changes things
 * meanwhile: a track added after the tracks were written, with plays and a
 * playlist entry; a tag created after the tags were written.
 */
const changedMeanwhile = {
  tags: () => Promise.resolve([{ id: 1, name: 'Chill', color: null, created_at: at }]),
  artistIds: () => Promise.resolve([1]),
  artists: () =>
    Promise.resolve([{ id: 1, name: 'Björk', spotify_id: null, image_url: null, genres: [] }]),
  albumIds: () => Promise.resolve([]),
  albums: () => Promise.resolve([]),
  tracks: (_db: unknown, _user: number, after: number) =>
    Promise.resolve(
      after > 0
        ? []
        : [
            {
              id: 10,
              spotify_id: null,
              name: 'Jóga',
              artist_id: 1,
              credits: [],
              album_id: null,
              duration_ms: null,
              explicit: null,
              isrc: null,
              disc_number: null,
              track_number: null,
              added_at: at,
              liked: false,
              rating: 7,
              tags: [1, 2],
            },
          ],
    ),
  userGenres: () => Promise.resolve([]),
  playlists: () => Promise.resolve([]),
  playlistEntries: () =>
    Promise.resolve([{ playlist_id: 5, user_track_id: 10, position: 'a0', added_at: at }]),
  smartPlaylists: () => Promise.resolve([]),
  smartRules: () => Promise.resolve([]),
  smartEntries: () => Promise.resolve([]),
  plays: () =>
    Promise.resolve(
      [10, 11].map((id) => ({
        user_track_id: id,
        played_at: at,
        ms_played: 1000,
        source: 'spotify_export',
        skipped: true,
        reason_start: null,
        reason_end: null,
      })),
    ),
} as unknown as BackupExportRepository;

describe('userRecords', () => {
  it('leaves out what names a record it did not write, so the archive holds together', async () => {
    const keys = new ExportedKeys();
    const profile = {
      username: 'u',
      display_name: null,
      time_zone: 'UTC',
      play_threshold_ms: 30_000,
    };
    const records = [];
    for await (const record of userRecords(changedMeanwhile, {} as Kysely<DB>, 1, profile, keys)) {
      records.push(record);
    }
    expect(records.find((r) => r.type === 'track')).toMatchObject({
      key: 10,
      tags: [1],
      rating: 3.5,
    });
    expect(records.filter((r) => r.type === 'play')).toEqual([
      expect.objectContaining({ track: 10 }),
    ]);
    expect(records.some((r) => r.type === 'playlistEntry')).toBe(false);
    expect(keys.counts).toMatchObject({ tag: 1, artist: 1, track: 1, play: 1, playlistEntry: 0 });
  });
});
