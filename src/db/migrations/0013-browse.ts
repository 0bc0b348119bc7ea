import { runStatements, type Migration } from './migration.js';

/**
 * Browsing the user's artists and albums by how many of their tracks the
 * user has: a keyset index per table, like the play-count and time ones.
 */
export const browse: Migration = {
  name: '0013-browse',
  up: (db) =>
    runStatements(db, [
      `CREATE INDEX user_artist_tracks_idx ON user_artist (user_id, track_count, artist_id)`,
      `CREATE INDEX user_album_tracks_idx ON user_album (user_id, track_count, album_id)`,
    ]),
};
