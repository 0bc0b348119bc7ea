import { runStatements, type Migration } from './migration.js';

const monthRollup = (table: string, key: string, byEntity: boolean) => [
  `CREATE TABLE ${table} (
    user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    month date NOT NULL,
    ${key} bigint NOT NULL,
    plays integer NOT NULL CHECK (plays >= 0),
    ms_played bigint NOT NULL CHECK (ms_played >= 0),
    PRIMARY KEY (user_id, month, ${key})
  )`,
  // one entity's months (the artist page, its first month with plays)
  ...(byEntity ? [`CREATE INDEX ${table}_${key}_idx ON ${table} (user_id, ${key}, month)`] : []),
];

/**
 * Rollups for listening statistics over any period, keyed in the user's
 * time zone (local wall-clock hours and months): plays and time per hour,
 * and per month for each artist and album (not per track: a track's plays
 * in a month are mostly one, so that rollup would be as big as the plays,
 * which answer a period by their time index). A period's whole months
 * come from the rollups and its ragged ends from the plays themselves.
 * user_rollup_state says which zone a user's rollups are keyed in and
 * whether they are usable; until a rebuild makes them so (this migration
 * leaves every existing user's to the first rebuild), statistics are
 * computed from the plays alone: slower, never wrong. All-time figures come
 * from the aggregates, which need no zone.
 */
export const rollups: Migration = {
  name: '0015-rollups',
  up: (db) =>
    runStatements(db, [
      `CREATE TABLE user_rollup_state (
        user_id bigint PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
        time_zone text NOT NULL,
        ready boolean NOT NULL DEFAULT false,
        built_at timestamptz
      )`,
      `INSERT INTO user_rollup_state (user_id, time_zone)
        SELECT user_id, time_zone FROM user_settings`,
      `CREATE TABLE user_hour_rollup (
        user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        hour timestamp NOT NULL,
        plays integer NOT NULL CHECK (plays >= 0),
        ms_played bigint NOT NULL CHECK (ms_played >= 0),
        PRIMARY KEY (user_id, hour)
      )`,
      ...monthRollup('user_artist_month', 'artist_id', true),
      ...monthRollup('user_album_month', 'album_id', false),
      // all-time top tracks by listening time, as by plays (user_track_stats_plays_idx)
      `CREATE INDEX user_track_stats_ms_played_idx ON user_track_stats (user_id, ms_played, user_track_id)`,
    ]),
};
