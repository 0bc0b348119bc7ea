import { runStatements, type Migration } from './migration.js';

/**
 * Browsing the user's artists and albums: by how many of their tracks the
 * user has (a keyset index per table, like the play-count and time ones),
 * and by name, which walks the catalog's names in (sort_name, id) order.
 */
export const browse: Migration = {
  name: '0013-browse',
  up: (db) =>
    runStatements(db, [
      `CREATE INDEX user_artist_tracks_idx ON user_artist (user_id, track_count, artist_id)`,
      `CREATE INDEX user_album_tracks_idx ON user_album (user_id, track_count, album_id)`,
      `DROP INDEX artist_sort_name_idx`,
      `CREATE INDEX artist_sort_name_idx ON artist (sort_name, id)`,
      `CREATE INDEX album_sort_name_idx ON album (sort_name, id)`,
    ]),
};
