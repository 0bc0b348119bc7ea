import { runStatements, type Migration } from './migration.js';

const labelStats = (table: string, key: string, references: string) => [
  `CREATE TABLE ${table} (
    user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    ${key} bigint NOT NULL,
    play_count bigint NOT NULL DEFAULT 0 CHECK (play_count >= 0),
    ms_played bigint NOT NULL DEFAULT 0 CHECK (ms_played >= 0),
    PRIMARY KEY (user_id, ${key}),
    FOREIGN KEY ${references} ON DELETE CASCADE
  )`,
];

/**
 * All-time plays and time per tag and per genre, so the all-time top tags
 * and genres read a few hundred rows instead of summing a whole library
 * (72 and 42 ms for the heavy user of scale M). Tag figures are the sums
 * over the tag's tracks of user_track_stats; genre figures the sums over
 * the artists the user sees with the genre (user_artist_genre over
 * artist_genre) of user_artist. Both are kept by the writers of those
 * tables under the user's write lock.
 *
 * The catalog's genres are shared, so one user's Spotify sync changing an
 * artist's genres cannot lock every other user who has that artist. Instead
 * each change takes a number from catalog_state (whose row lock serialises
 * the writers, so numbers become visible in order) and stamps the artists it
 * changed; a user's figures hold for the catalog as of
 * user_rollup_state.label_stats_version, and while one of their artists
 * carries a later stamp, top genres are summed live and the figures rebuilt.
 * The version is NULL until a first build: this migration leaves every
 * existing user's figures to the background rebuild (answers meanwhile are
 * summed live, as before).
 */
export const labelStatsMigration: Migration = {
  name: '0020-label-stats',
  up: (db) =>
    runStatements(db, [
      ...labelStats('user_tag_stats', 'tag_id', '(user_id, tag_id) REFERENCES tag (user_id, id)'),
      ...labelStats('user_genre_stats', 'genre_id', '(genre_id) REFERENCES genre (id)'),
      `CREATE TABLE catalog_state (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        genres_version bigint NOT NULL DEFAULT 0
      )`,
      `INSERT INTO catalog_state DEFAULT VALUES`,
      `ALTER TABLE artist ADD COLUMN genres_version bigint NOT NULL DEFAULT 0`,
      `CREATE INDEX artist_genres_version_idx ON artist (genres_version) WHERE genres_version > 0`,
      `ALTER TABLE user_rollup_state ADD COLUMN label_stats_version bigint`,
      // without statistics on the new column the planner walks a user's artists for the check
      `ANALYZE artist`,
    ]),
};
