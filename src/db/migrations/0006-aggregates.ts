import { runStatements, type Migration } from './migration.js';

/**
 * Per-user aggregates keyed on the track's primary artist and its album.
 * track_count follows library membership; the play figures follow plays.
 * Both are maintained in the transaction that changes what they count.
 */
const aggregateTable = (table: string, key: string, refTable: string) => [
  `CREATE TABLE ${table} (
    user_id bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    ${key} bigint NOT NULL REFERENCES ${refTable} (id),
    track_count integer NOT NULL DEFAULT 0,
    play_count integer NOT NULL DEFAULT 0,
    ms_played bigint NOT NULL DEFAULT 0,
    last_played_at timestamptz,
    PRIMARY KEY (user_id, ${key}),
    CONSTRAINT ${table}_counts_positive CHECK (track_count >= 0 AND play_count >= 0 AND ms_played >= 0),
    CONSTRAINT ${table}_played_has_time CHECK (play_count = 0 OR last_played_at IS NOT NULL)
  )`,
  `CREATE INDEX ${table}_plays_idx ON ${table} (user_id, play_count, ${key})`,
  `CREATE INDEX ${table}_ms_played_idx ON ${table} (user_id, ms_played, ${key})`,
  `CREATE INDEX ${table}_${refTable}_idx ON ${table} (${key}, user_id)`,
];

export const aggregates: Migration = {
  name: '0006-aggregates',
  up: (db) =>
    runStatements(db, [
      ...aggregateTable('user_artist', 'artist_id', 'artist'),
      ...aggregateTable('user_album', 'album_id', 'album'),
    ]),
};
