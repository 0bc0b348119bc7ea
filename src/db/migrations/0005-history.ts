import { runStatements, type Migration } from './migration.js';

/**
 * Play history, partitioned by month of played_at (the time a play ended).
 * Recent months are partitions of play_history, older ones of
 * play_history_archive; db/partitions.ts creates them ahead and the archival
 * job moves whole months across. There is no DEFAULT partition: a play before
 * 2008-01 or beyond the months created ahead is refused.
 */
const historyTable = (table: string) => [
  `CREATE TABLE ${table} (
    user_id bigint NOT NULL,
    user_track_id bigint NOT NULL,
    played_at timestamptz NOT NULL,
    -- CHECK names match across both parents: a partition moving between them keeps its constraints
    ms_played integer NOT NULL CONSTRAINT play_ms_played_positive CHECK (ms_played >= 0),
    source play_source NOT NULL,
    -- below the user's play threshold: counted as a skip, not a play
    skipped boolean NOT NULL DEFAULT false,
    reason_start text,
    reason_end text,
    CONSTRAINT ${table}_pkey PRIMARY KEY (user_id, user_track_id, played_at),
    CONSTRAINT ${table}_user_track_fkey FOREIGN KEY (user_id, user_track_id)
      REFERENCES user_track (user_id, id) ON DELETE CASCADE
  ) PARTITION BY RANGE (played_at)`,
  // The timeline and every time-range query of one user.
  `CREATE INDEX ${table}_user_played_idx ON ${table} (user_id, played_at, user_track_id)`,
];

export const history: Migration = {
  name: '0005-history',
  up: (db) =>
    runStatements(db, [
      `CREATE TYPE play_source AS ENUM (
        'spotify_export', 'spotify_account_export', 'spotify_recent', 'listenbrainz', 'generator'
      )`,
      ...historyTable('play_history'),
      ...historyTable('play_history_archive'),
    ]),
};
