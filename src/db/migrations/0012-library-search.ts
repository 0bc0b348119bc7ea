import { runStatements, type Migration } from './migration.js';

/**
 * The library list's last two needs:
 * - the artist sort pages on (artist, album, id), and a track without an
 *   album (known by name only) has no album key: a row comparison with a NULL
 *   in it matches nothing, so the index keys the album as '' instead;
 * - search over track, artist and album names ignoring case and accents: a
 *   trigram index over the normalised sort keys (db/sort-key.ts), which the
 *   app computes alike on both engines.
 */
export const librarySearch: Migration = {
  name: '0012-library-search',
  up: (db) =>
    runStatements(db, [
      `DROP INDEX user_track_artist_idx`,
      `CREATE INDEX user_track_artist_idx
        ON user_track (user_id, artist_sort, (coalesce(album_sort, '')), id)`,
      `CREATE INDEX user_track_search_idx ON user_track
        USING gin ((title_sort || ' ' || artist_sort || ' ' || coalesce(album_sort, '')) gin_trgm_ops)`,
    ]),
};
