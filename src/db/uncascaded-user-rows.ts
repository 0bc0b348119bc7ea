import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.js';

/**
 * User-owned tables with no foreign key to cascade a user's deletion from:
 * the per-row check cost more than the write (the history, migration 0011;
 * the statistics rollups, 0022).
 */
export const UNCASCADED_USER_TABLES = [
  'play_history',
  'play_history_archive',
  'user_hour_rollup',
  'user_artist_month',
  'user_album_month',
] as const satisfies readonly (keyof DB)[];

/**
 * Deletes a user's rows that deleting the user would not: whatever deletes
 * a user calls this first, in the same transaction and under the user's
 * write lock, as every writer of these rows takes it.
 */
export async function deleteUserRowsWithoutCascade(
  db: Kysely<DB> | Transaction<DB>,
  userId: number,
): Promise<void> {
  for (const table of UNCASCADED_USER_TABLES) {
    await db.deleteFrom(table).where('user_id', '=', userId).execute();
  }
}
