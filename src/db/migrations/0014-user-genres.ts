import { runStatements, type Migration } from './migration.js';

/**
 * A user's own say on an artist's genres. artist_genre belongs to the shared
 * catalog (Spotify's genres), so one user's "this artist is shoegaze" cannot
 * go there: a row here adds a genre for this user (assigned) or hides a
 * catalog one from them (not assigned). It records the intent, so a genre the
 * user removed stays removed when Spotify's data changes.
 */
export const userGenres: Migration = {
  name: '0014-user-genres',
  up: (db) =>
    runStatements(db, [
      `CREATE TABLE user_artist_genre (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        artist_id bigint NOT NULL REFERENCES artist (id) ON DELETE CASCADE,
        genre_id bigint NOT NULL REFERENCES genre (id) ON DELETE CASCADE,
        assigned boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, artist_id, genre_id)
      )`,
      `CREATE INDEX user_artist_genre_genre_idx ON user_artist_genre (user_id, genre_id, artist_id)`,
    ]),
};
