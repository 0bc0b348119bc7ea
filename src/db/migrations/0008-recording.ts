import { runStatements, type Migration } from './migration.js';

/**
 * What exactly-once recording and catalog resolution need:
 * - unresolved catalog rows (no Spotify id) are unique by normalised name, so
 *   concurrent writers creating "the same" artist, album or track from
 *   metadata meet in ON CONFLICT instead of making twins;
 * - the archival job's progress, so a move interrupted between its steps is
 *   finished on the next run.
 */
export const recording: Migration = {
  name: '0008-recording',
  up: (db) =>
    runStatements(db, [
      `CREATE UNIQUE INDEX artist_unresolved_name_key ON artist (sort_name) WHERE spotify_id IS NULL`,
      `CREATE UNIQUE INDEX album_unresolved_name_key ON album (artist_id, sort_name)
        WHERE spotify_id IS NULL`,
      `CREATE UNIQUE INDEX track_unresolved_name_key ON track (artist_id, sort_name)
        WHERE spotify_id IS NULL`,
      `CREATE TYPE archive_move_step AS ENUM ('detaching', 'detached', 'attached')`,
      `CREATE TABLE history_archive_move (
        partition_name text PRIMARY KEY,
        step archive_move_step NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
    ]),
};
