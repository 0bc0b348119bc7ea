import { runStatements, type Migration } from './migration.js';

/**
 * Play counters leave user_track for a narrow table of their own. Every
 * recorded batch rewrites the counters of the tracks it played; in user_track
 * each rewrite also wrote an entry into all eleven of its indexes (the sort
 * keys), here into three — about 7x cheaper per track (docs/decisions.md).
 *
 * play_history loses its foreign key to user_track: the per-row check was
 * over half the cost of inserting a play. The recorder writes plays only for
 * user tracks it ensured in the same transaction under the user's lock, and
 * whatever deletes a user track deletes its plays first (HistoryRepository).
 */
export const playCounters: Migration = {
  name: '0011-play-counters',
  up: (db) =>
    runStatements(db, [
      `CREATE TABLE user_track_stats (
        user_id bigint NOT NULL,
        user_track_id bigint NOT NULL,
        play_count integer NOT NULL DEFAULT 0 CONSTRAINT user_track_stats_play_count_positive CHECK (play_count >= 0),
        skip_count integer NOT NULL DEFAULT 0 CONSTRAINT user_track_stats_skip_count_positive CHECK (skip_count >= 0),
        ms_played bigint NOT NULL DEFAULT 0 CONSTRAINT user_track_stats_ms_played_positive CHECK (ms_played >= 0),
        last_played_at timestamptz,
        PRIMARY KEY (user_id, user_track_id),
        FOREIGN KEY (user_id, user_track_id) REFERENCES user_track (user_id, id) ON DELETE CASCADE,
        CONSTRAINT user_track_stats_played_has_time CHECK (play_count = 0 OR last_played_at IS NOT NULL)
      )`,
      `INSERT INTO user_track_stats (user_id, user_track_id, play_count, skip_count, ms_played, last_played_at)
        SELECT user_id, id, play_count, skip_count, ms_played, last_played_at FROM user_track`,
      // Keyset indexes for the play sorts, as user_track has for the others.
      `CREATE INDEX user_track_stats_plays_idx ON user_track_stats (user_id, play_count, user_track_id)`,
      `CREATE INDEX user_track_stats_last_played_idx ON user_track_stats (user_id, last_played_at, user_track_id)`,
      // Their indexes and CHECKs go with the columns.
      `ALTER TABLE user_track DROP COLUMN play_count, DROP COLUMN skip_count,
        DROP COLUMN ms_played, DROP COLUMN last_played_at`,
      `ALTER TABLE play_history DROP CONSTRAINT play_history_user_track_fkey`,
      `ALTER TABLE play_history_archive DROP CONSTRAINT play_history_archive_user_track_fkey`,
    ]),
};
