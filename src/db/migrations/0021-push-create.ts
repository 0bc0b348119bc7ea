import { runStatements, type Migration } from './migration.js';

/**
 * When a push last started creating its Spotify playlist without having
 * stored one yet. Spotify takes no idempotency key: a create whose answer
 * was lost, or a push that stopped right after it, may have made the
 * playlist, and the next push looks for it before making another.
 */
export const pushCreate: Migration = {
  name: '0021-push-create',
  up: (db) =>
    runStatements(
      db,
      ['playlist', 'smart_playlist'].map(
        (table) => `ALTER TABLE ${table} ADD COLUMN spotify_create_started_at timestamptz`,
      ),
    ),
};
