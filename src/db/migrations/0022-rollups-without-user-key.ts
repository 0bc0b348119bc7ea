import { runStatements, type Migration } from './migration.js';

/**
 * The statistics rollups lose their foreign key to app_user, as the history
 * did (0011): rebuilding a user's rollups after a 1M-play import writes ~1M
 * rows, and the per-row check took 9 of its 25 s (PostgreSQL 15). A rollup
 * row is written only for the user whose plays moved, under that user's
 * write lock; whatever deletes a user deletes its rollups first
 * (`deleteUserRowsWithoutCascade`, src/db/uncascaded-user-rows.ts).
 */
export const rollupsWithoutUserKey: Migration = {
  name: '0022-rollups-without-user-key',
  up: (db) =>
    runStatements(
      db,
      ['user_hour_rollup', 'user_artist_month', 'user_album_month'].map(
        (table) => `ALTER TABLE ${table} DROP CONSTRAINT ${table}_user_id_fkey`,
      ),
    ),
};
